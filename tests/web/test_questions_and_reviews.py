"""Asking the salesperson about a deviation (the question goes by mail, the answer is kept on
the order) and ticking off the manual review items of an order."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from pathlib import Path

from app.db.models import (
    AuditEvent,
    OrderAnswer,
    OrderQuestion,
    OrderRecord,
    OrderReview,
    OutboxMessage,
)
from app.extensions import db
from app.services.briefs import attachment_for
from app.services.dispatch import send_due_messages
from tests.web.conftest import Browser, count_of, text_of


def _order(browser: Browser, po: str) -> tuple[int, dict[str, int]]:
    """The order's id and its latest check's deviation ids by code."""
    with browser.app.app_context():
        record = db.session.query(OrderRecord).filter_by(po_number=po).one()
        return record.id, {d.code: d.id for d in record.checks[-1].deviations}


def _actions(browser: Browser) -> list[str]:
    with browser.app.app_context():
        return [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.seq)]


def _sent_mail(browser: Browser, subject_part: str) -> str:
    """Deliver the outbox the way the scheduler does and read the message that was written."""
    with browser.app.app_context():
        send_due_messages(db.session, attachment_for)
        folder = Path(browser.app.instance_path) / "outbox"
        for path in sorted(folder.glob("*.eml")):
            email = message_from_bytes(path.read_bytes(), policy=policy.default)
            if subject_part in str(email["Subject"]):
                return f"To: {email['To']}\n" + email.get_content()  # type: ignore[attr-defined]
    raise AssertionError(f"no mail about {subject_part!r} was sent")


def test_fred_asks_the_salesperson_who_is_mailed_the_deviation_and_answers_on_her_page(
        browser: Browser) -> None:
    order_id, codes = _order(browser, "HMS-4109")  # Sven's deal: net 30 where net 45 was agreed
    mismatch = codes["PAYMENT_TERMS_MISMATCH"]
    browser.sign_in("fred")
    page = text_of(browser.client.get(f"/orders/{order_id}"))
    assert "Your question to Sven Nilsson" in page
    response = browser.post(f"/orders/{order_id}/questions", {
        "deviation_id": str(mismatch), "text": "Did Hank get net 30 on this one?"},
        token_from=f"/orders/{order_id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#deviation-{mismatch}")
    assert "order.question_asked" in _actions(browser)
    mail = _sent_mail(browser, "Question on order HMS-4109")
    assert "To: sven@handoff.example" in mail
    assert "Fred Ortiz asks about order HMS-4109" in mail
    assert "not the agreed Net 45 days" in mail  # the deviation in its own words
    assert "Did Hank get net 30 on this one?" in mail

    sven = Browser(browser.app, browser.app.test_client())
    sven.sign_in("sven")
    waiting = text_of(sven.client.get("/questions")).split("Answered")[0]
    assert "HMS-4109" in waiting and "Did Hank get net 30 on this one?" in waiting
    question_id = _question_id(browser, "Did Hank get net 30 on this one?")
    empty = sven.post(f"/questions/{question_id}/answer", {"text": " "}, token_from="/questions")
    assert empty.status_code == 422
    assert count_of(browser, OrderAnswer) == 1  # the demo's one answer
    answered = sven.post(f"/questions/{question_id}/answer", {
        "text": "Yes: net 30 for this order, Hank pays early."}, token_from="/questions")
    assert answered.status_code == 302
    assert "order.question_answered" in _actions(browser)
    assert "Yes: net 30 for this order" in _sent_mail(browser, "Answer on order HMS-4109")
    order_page = text_of(browser.client.get(f"/orders/{order_id}"))
    beside = order_page.split("Payment terms mismatch")[1].split("Lines")[0]
    assert "Sven Nilsson answered" in beside
    assert "Yes: net 30 for this order, Hank pays early." in beside
    again = sven.post(f"/questions/{question_id}/answer", {"text": "Changed my mind"},
                      token_from="/questions")
    assert again.status_code == 409  # the answer on record stays
    assert count_of(browser, OrderAnswer) == 2


def _question_id(browser: Browser, text: str) -> int:
    with browser.app.app_context():
        return db.session.query(OrderQuestion).filter_by(text=text).one().id


def test_only_the_deals_salesperson_or_a_manager_answers(browser: Browser) -> None:
    question_id = _question_id(
        browser, "The PO says net 60; the terms say net 45. Did you agree net 60?")
    browser.sign_in("sven")  # the question is Ana's
    assert "net 60" not in text_of(browser.client.get("/questions")).split("Answered")[0]
    refused = browser.post(f"/questions/{question_id}/answer", {"text": "Sure"},
                           token_from="/questions")
    assert refused.status_code == 403
    assert count_of(browser, OrderAnswer) == 1


def test_a_question_needs_words_and_a_deviation_of_the_order(browser: Browser) -> None:
    order_id, codes = _order(browser, "HMS-4109")
    _, others = _order(browser, "HMS-4107")
    browser.sign_in("fred")
    before = count_of(browser, OrderQuestion), count_of(browser, OutboxMessage)
    empty = browser.post(f"/orders/{order_id}/questions", {
        "deviation_id": str(codes["PAYMENT_TERMS_MISMATCH"]), "text": ""},
        token_from=f"/orders/{order_id}")
    assert empty.status_code == 422
    assert "The question was not sent" in text_of(empty)
    assert "<details open>" in empty.get_data(as_text=True)  # the form stays open to correct
    elsewhere = browser.post(f"/orders/{order_id}/questions", {
        "deviation_id": str(others["PRICE_ABOVE_AGREED"]), "text": "Why?"},
        token_from=f"/orders/{order_id}")
    assert elsewhere.status_code == 422
    assert "That is not a deviation of the order" in text_of(elsewhere)
    assert (count_of(browser, OrderQuestion), count_of(browser, OutboxMessage)) == before


def test_salespeople_and_account_managers_are_not_offered_to_ask_or_tick_off(
        browser: Browser) -> None:
    order_id, codes = _order(browser, "ACME-7002")
    for who in ("ana", "amy"):
        person = Browser(browser.app, browser.app.test_client())
        person.sign_in(who)
        page = text_of(person.client.get(f"/orders/{order_id}"))
        assert "Ask the salesperson" not in page, who
        assert "Tick off as reviewed" not in page, who
        assert "Waiting for fulfillment to tick it off." in page, who
        refused = person.post(f"/orders/{order_id}/reviews", {
            "deviation_id": str(codes["MANUAL_REVIEW"])}, token_from=f"/orders/{order_id}")
        assert refused.status_code == 403, who
    assert count_of(browser, OrderReview) == 0


def test_fulfillment_ticks_off_a_manual_review_and_the_order_stops_waiting(
        browser: Browser) -> None:
    order_id, codes = _order(browser, "ACME-7001")  # clear, but its carton logo needs a look
    browser.sign_in("fred")
    assert "ACME-7001" in text_of(browser.client.get("/orders"))
    response = browser.post(f"/orders/{order_id}/reviews", {
        "deviation_id": str(codes["MANUAL_REVIEW"]), "note": "Logo proof on file"},
        token_from=f"/orders/{order_id}")
    assert response.status_code == 302
    page = text_of(browser.client.get(f"/orders/{order_id}"))
    assert "Ticked off by Fred Ortiz" in page and "Logo proof on file" in page
    assert "Tick off as reviewed" not in page
    assert "ACME-7001" not in text_of(browser.client.get("/orders"))
    assert "order.review_ticked_off" in _actions(browser)
    twice = browser.post(f"/orders/{order_id}/reviews", {
        "deviation_id": str(codes["MANUAL_REVIEW"])}, token_from=f"/orders/{order_id}")
    assert twice.status_code == 409
    assert count_of(browser, OrderReview) == 1


def test_a_recheck_opens_the_manual_review_again(browser: Browser) -> None:
    order_id, codes = _order(browser, "ACME-7001")
    browser.sign_in("fred")
    browser.post(f"/orders/{order_id}/reviews", {"deviation_id": str(codes["MANUAL_REVIEW"])},
                 token_from=f"/orders/{order_id}")
    assert "ACME-7001" not in text_of(browser.client.get("/orders"))
    with browser.app.app_context():
        body = db.session.get(OrderRecord, order_id).body  # type: ignore[union-attr]
    browser.post("/orders/check", {"order_json": json.dumps(body)})
    page = text_of(browser.client.get(f"/orders/{order_id}"))
    assert "Tick off as reviewed" in page
    assert "ACME-7001" in text_of(browser.client.get("/orders"))

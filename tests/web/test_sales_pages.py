"""A salesperson's pages: closing a deal with its terms, the deal's record, signatures and
amendments — each checked by what the page then shows."""

from __future__ import annotations

from typing import Any

from app.db.models import Deal, Signature, TermsVersionRow
from tests.web.conftest import Browser, count_of, form_fields, text_of, user_id

FIVE_KINDS = [
    ("unit_price", {"sku": "A-100", "price": "10.50", "min_quantity": "1"}, "intro price"),
    ("discount", {"percent": "5", "sku": "B-200"}, ""),
    ("payment_terms", {"net_days": "45"}, "cash flow"),
    ("volume_cap", {"sku": "A-100", "max_quantity": "500", "period_start": "2026-11-20",
                    "period_end": "2027-06-30"}, ""),
    ("clause", {"text": "Customer logo on every carton", "review_on_order": "true"}, ""),
]


def _deal_form(browser: Browser, terms: list[tuple[str, dict[str, str], str]],
               **overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "account_id": "1", "title": "Acme spares 2027", "external_ref": "OPP-2001",
        "currency": "USD", "first_shipment_date": "2026-12-21",
        "account_manager_id": str(user_id(browser, "amy")),
        "fulfillment_lead_id": str(user_id(browser, "fred")), "contact_ids": ["1"],
        "action": "close"}
    for n, (kind, params, note) in enumerate(terms):
        form[f"terms-{n}-kind"] = kind
        form[f"terms-{n}-note"] = note
        form |= {f"terms-{n}-p-{name}": value for name, value in params.items()}
    return form | overrides


def test_a_salesperson_closes_a_deal_with_five_kinds_of_terms_and_sees_its_kickoff(
        browser: Browser) -> None:
    browser.sign_in("ana")
    response = browser.post("/deals/new", _deal_form(browser, FIVE_KINDS))
    assert response.status_code == 302
    page = text_of(browser.client.get(response.headers["Location"]))
    assert "Deal Acme spares 2027 closed: its terms are version 1." in page
    for words in ("A-100 at 10.50 USD", "5% off the list price of B-200", "Net 45 days",
                  "At most 500 units of A-100",
                  "Customer logo on every carton", "intro price", "cash flow"):
        assert words in page, words
    assert "scheduled" in page
    assert "PST" in page  # Ana reads times in Los Angeles


def test_a_wrong_term_value_is_shown_beside_its_field_and_nothing_is_saved(
        browser: Browser) -> None:
    browser.sign_in("ana")
    before = count_of(browser, Deal)
    bad = [("unit_price", {"sku": "A-100", "price": "ten dollars"}, ""),
           ("payment_terms", {"net_days": "45"}, "")]
    response = browser.post("/deals/new", _deal_form(browser, bad), token_from="/deals/new")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The deal was not closed" in text_of(response)
    field = html.index('id="terms-0-p-price"')
    error = html.index('id="terms-0-p-price-errors"')
    assert 0 < error - field < 600  # the message sits right under the price input
    assert 'value="ten dollars"' in html  # what was typed is kept for correcting
    assert count_of(browser, Deal) == before


def test_adding_a_term_shows_the_fields_of_its_kind(browser: Browser) -> None:
    browser.sign_in("ana")
    response = browser.post("/deals/new", {"action": "add", "new_kind": "volume_cap",
                                           "title": "Kept"})
    page = text_of(response)
    assert "Term 1: Volume cap" in page
    html = response.get_data(as_text=True)
    for name in ("sku", "max_quantity", "period_start", "period_end"):
        assert f'for="terms-0-p-{name}"' in html, name
    assert 'value="Kept"' in html


def test_removing_a_term_keeps_the_others(browser: Browser) -> None:
    browser.sign_in("ana")
    form = _deal_form(browser, FIVE_KINDS[:3], action="remove:1")
    page = text_of(browser.post("/deals/new", form))
    assert "Term 1: Unit price" in page
    assert "Term 2: Payment terms" in page
    assert "Discount" not in page.split("Non-standard terms")[1].split("Add a term")[0]


def test_the_kickoff_preview_shows_the_slot_in_the_readers_time_zone(browser: Browser) -> None:
    browser.sign_in("ana")
    before = count_of(browser, Deal)
    page = text_of(browser.post("/deals/new", _deal_form(browser, [], action="preview")))
    assert "Closing now books the kickoff for" in page
    assert "PST" in page
    assert count_of(browser, Deal) == before  # a preview closes nothing


def test_a_preview_without_common_time_says_the_kickoff_would_be_at_risk(
        browser: Browser) -> None:
    browser.sign_in("ana")
    form = _deal_form(browser, [], action="preview", first_shipment_date="2026-11-23")
    assert "No common free time" in text_of(browser.post("/deals/new", form))


def test_the_deal_page_lists_versions_and_the_diff_shows_what_changed(browser: Browser) -> None:
    browser.sign_in("ana")
    page = text_of(browser.client.get("/deals/1"))
    assert "Terms in version 2" in page
    assert "Jane Buyer" in page  # the customer's signature on version 1
    diff = text_of(browser.client.get("/deals/1/diff?a=1&b=2"))
    assert ("Changed A-100 at 10.00 USD for 1\N{EN DASH}99 units "
            "A-100 at 9.50 USD for 1\N{EN DASH}99 units") in diff


def test_recording_a_signature_keeps_the_typed_name_and_each_option_decision(
        browser: Browser) -> None:
    browser.sign_in("ana")
    before = count_of(browser, Signature)
    missing = browser.post("/deals/4/signatures/new", {"contact_id": "", "typed_name": ""})
    assert missing.status_code == 422
    assert "The signature was not recorded" in text_of(missing)
    assert count_of(browser, Signature) == before
    form_page = text_of(browser.client.get("/deals/4/signatures/new"))
    assert "installation" in form_page
    response = browser.post("/deals/4/signatures/new", {
        "contact_id": _contact_of_deal(browser, 4), "typed_name": "Ben Lake",
        "decision-installation": "accept"})
    assert response.status_code == 302
    page = text_of(browser.client.get("/deals/4"))
    assert "Ben Lake" in page
    assert "installation: accept" in page


def _contact_of_deal(browser: Browser, deal_id: int) -> str:
    with browser.app.app_context():
        from app.extensions import db

        deal = db.session.get(Deal, deal_id)
        assert deal is not None
        return str(deal.contacts[0].id)


def test_an_amendment_makes_a_new_version_with_its_reason_and_keeps_the_old(
        browser: Browser) -> None:
    browser.sign_in("ana")
    rows = form_fields(browser.client.get("/deals/4/amend"))
    assert rows["terms-1-p-net_days"] == "60"
    rows["terms-1-p-net_days"] = "45"
    versions = count_of(browser, TermsVersionRow)
    no_reason = browser.post("/deals/4/amend", rows | {"action": "amend", "reason": "",
                                                       "effective_from": "2026-11-20"})
    assert no_reason.status_code == 422
    assert count_of(browser, TermsVersionRow) == versions
    response = browser.post("/deals/4/amend", rows | {
        "action": "amend", "reason": "Net 45 agreed by phone with Ben Lake",
        "effective_from": "2026-11-20"})
    assert response.status_code == 302
    page = text_of(browser.client.get("/deals/4"))
    assert "Terms in version 2" in page
    assert "Net 45 agreed by phone with Ben Lake" in page
    diff = text_of(browser.client.get("/deals/4/diff?a=1&b=2"))
    assert "Changed" in diff and "Net 60" in diff and "Net 45" in diff


def test_people_see_only_the_actions_their_role_allows(browser: Browser) -> None:
    browser.sign_in("amy")
    page = text_of(browser.client.get("/deals/1"))
    assert "Amend the terms" not in page
    assert "Record customer signature" not in page
    assert "Close a deal" not in page
    assert browser.client.get("/deals/1/amend").status_code == 403
    assert browser.client.get("/deals/new").status_code == 403
    sven = Browser(browser.app, browser.app.test_client())
    sven.sign_in("sven")
    assert "Amend the terms" not in text_of(sven.client.get("/deals/1"))
    assert sven.client.get("/deals/1/amend").status_code == 403
    refused = sven.post("/deals/1/signatures/new", {"typed_name": "X"}, token_from="/deals/1")
    assert refused.status_code == 403

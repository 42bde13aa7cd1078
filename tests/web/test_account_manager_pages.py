"""An account manager's pages: the kickoff timeline, the brief, marking a kickoff held,
acknowledging a terms version, logging a conversation with its promises."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from docx import Document

from app.db.models import Deal, Kickoff, Note
from app.extensions import db
from tests.web.conftest import Browser, count_of, text_of, user_id


def test_my_kickoffs_puts_at_risk_deals_first_and_draws_the_timeline(browser: Browser) -> None:
    browser.sign_in("amy")
    response = browser.client.get("/kickoffs")
    page = text_of(response)
    table = page.split("Kickoffs, at-risk first")[1]
    assert table.index("Holiday rush order") < table.index("Acme 2027 supply")
    assert "at risk" in table.split("Acme 2027 supply")[0]
    assert "Nordic framework 2027" not in page  # Lena's deal, not Amy's
    html = response.get_data(as_text=True)
    assert '<svg class="timeline"' in html
    assert "Kickoffs against first shipment dates, 3 deals" in html
    assert html.count("<circle") == 2  # the at-risk deal has no kickoff to draw


def test_a_first_shipment_years_away_does_not_stretch_the_timeline(browser: Browser) -> None:
    with browser.app.app_context():
        deal = db.session.get(Deal, 1)
        assert deal is not None
        deal.first_shipment_date = date(9998, 12, 30)
        db.session.commit()
    browser.sign_in("amy")
    response = browser.client.get("/kickoffs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert len(html) < 100_000
    svg = html.split('<svg class="timeline"')[1].split("</svg>")[0]
    assert 1 <= svg.count('stroke="#d0d7de"') <= 13  # the week lines
    assert "First shipment, later than the picture shows" in svg


def test_the_kickoff_time_is_shown_in_the_readers_own_time_zone(browser: Browser) -> None:
    with browser.app.app_context():
        kickoff = db.session.query(Kickoff).filter_by(deal_id=1).one()
        assert kickoff.start is not None
        chicago = kickoff.start.astimezone(ZoneInfo("America/Chicago"))
    browser.sign_in("amy")
    assert chicago.strftime("%a %d %b %Y, %H:%M CST") in text_of(browser.client.get("/kickoffs"))


def test_the_brief_downloads_as_a_word_document_of_the_deal(browser: Browser) -> None:
    browser.sign_in("amy")
    response = browser.client.get("/deals/1/brief.docx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert "Acme 2027 supply" in text


def test_marking_the_kickoff_held_records_attendees_and_minutes(browser: Browser) -> None:
    browser.sign_in("amy")
    form = text_of(browser.client.get("/deals/1/kickoff/held"))
    assert "When it took place (America/Chicago)" in form
    response = browser.post("/deals/1/kickoff/held", {
        "held_at": "2026-11-20T10:30", "minutes": "Walked Jane through the tier prices.",
        "attendee_ids": [str(user_id(browser, "amy")), str(user_id(browser, "ana"))]})
    assert response.status_code == 302
    page = text_of(browser.client.get("/deals/1"))
    assert "Walked Jane through the tier prices." in page
    assert "Held Fri 20 Nov 2026, 10:30 CST" in page
    with browser.app.app_context():
        kickoff = db.session.query(Kickoff).filter_by(deal_id=1).one()
        assert kickoff.held_at == datetime(2026, 11, 20, 16, 30, tzinfo=ZoneInfo("UTC"))
    assert "Mark the kickoff held" not in page


def test_a_kickoff_in_the_future_cannot_be_marked_held(browser: Browser) -> None:
    browser.sign_in("amy")
    response = browser.post("/deals/1/kickoff/held", {
        "held_at": "2026-12-01T10:30", "minutes": "", "attendee_ids": [
            str(user_id(browser, "amy"))]})
    assert response.status_code == 422
    assert "cannot be recorded as held in the future" in text_of(response)


def test_acknowledging_the_new_version_records_who_read_it(browser: Browser) -> None:
    browser.sign_in("amy")
    page = text_of(browser.client.get("/deals/1"))
    assert "Version 2 waits for your acknowledgement" in page
    response = browser.post("/deals/1/acknowledge", {"version": "2"}, token_from="/deals/1")
    assert response.status_code == 302
    page = text_of(browser.client.get("/deals/1"))
    assert "waits for your acknowledgement" not in page
    assert "You acknowledged version 2." in page


def test_a_conversation_and_its_promises_go_on_record(browser: Browser) -> None:
    browser.sign_in("amy")
    before = count_of(browser, Note)
    bad = browser.post("/deals/1/notes/new", {"channel": "call", "text": "Spoke to Jane.",
                                              "promise-0-text": "Send artwork",
                                              "promise-0-due": "next week"})
    assert bad.status_code == 422
    assert count_of(browser, Note) == before
    response = browser.post("/deals/1/notes/new", {
        "channel": "call", "text": "Jane asked about carton artwork.",
        "promise-0-text": "Send carton artwork proof", "promise-0-due": "2026-12-01"})
    assert response.status_code == 302
    page = text_of(browser.client.get("/deals/1"))
    assert "Jane asked about carton artwork." in page
    assert "Promised: Send carton artwork proof — due Tue 01 Dec 2026" in page


def test_fulfillment_cannot_mark_a_kickoff_held(browser: Browser) -> None:
    browser.sign_in("fred")
    assert "Mark the kickoff held" not in text_of(browser.client.get("/deals/1"))
    assert browser.client.get("/deals/1/kickoff/held").status_code == 403
    assert browser.client.get("/deals/1/notes/new").status_code == 403
    response = browser.post("/deals/1/kickoff/held", {"held_at": "2026-11-20T10:30",
                                                      "attendee_ids": ["1"]},
                            token_from="/deals/1")
    assert response.status_code == 403


def test_a_refusal_names_its_time_on_the_readers_wall_clock(browser: Browser) -> None:
    browser.sign_in("amy")
    held = {"held_at": "2026-11-20T10:30", "minutes": "Tier prices reviewed.",
            "attendee_ids": [str(user_id(browser, "amy"))]}
    assert browser.post("/deals/1/kickoff/held", held).status_code == 302
    again = browser.post("/deals/1/kickoff/held", held, token_from="/deals/1")
    assert again.status_code == 422
    page = text_of(again)
    assert "already recorded as held at Fri 20 Nov 2026, 10:30 CST" in page
    assert "+00:00" not in page

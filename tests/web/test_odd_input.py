"""Odd input on the pages: numbers that are not ids (digits of other scripts — "²" and "٣"
pass str.isdigit —, values no id column holds, thousands of digits), NUL characters, times out
of range. Each page answers as if nothing was given or refuses the field; none answers 500 and
nothing is stored. And a fault behind a page is shown as a page."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from app.db.models import Acknowledgement, Kickoff, Note
from app.extensions import db
from app.web.forms import an_id
from tests.web.conftest import Browser, count_of, text_of, token_in, user_id

NOT_IDS = ["²", "٣", "0", "-1", "2147483648", "99999999999999999999", " ", "1.5", "1" * 5000]


@pytest.mark.parametrize("raw", NOT_IDS)
def test_an_id_from_a_form_is_ascii_digits_within_the_id_range(raw: str) -> None:
    assert an_id(raw) is None


def test_an_id_from_a_form_reads_plain_ids() -> None:
    assert an_id("42") == 42
    assert an_id(" 7 ") == 7
    assert an_id("2147483647") == 2147483647


@pytest.mark.parametrize("raw", NOT_IDS)
def test_lists_read_an_odd_page_number_as_the_first_page(browser: Browser, raw: str) -> None:
    browser.sign_in("mia")
    for path in (f"/deals?page={raw}", f"/dashboard?weeks={raw}"):
        response = browser.client.get(path)
        assert response.status_code == 200, path


@pytest.mark.parametrize("raw", NOT_IDS)
def test_acknowledging_an_odd_version_number_is_refused_and_stores_nothing(
        browser: Browser, raw: str) -> None:
    browser.sign_in("amy")
    before = count_of(browser, Acknowledgement)
    response = browser.post("/deals/1/acknowledge", {"version": raw}, token_from="/deals/1")
    assert response.status_code == 422
    assert "Say which version you acknowledge." in response.get_data(as_text=True)
    assert count_of(browser, Acknowledgement) == before


@pytest.mark.parametrize("raw", ["²", "2147483648"])
def test_a_brief_of_an_odd_version_number_is_the_newest_brief(browser: Browser,
                                                              raw: str) -> None:
    browser.sign_in("amy")
    response = browser.client.get(f"/deals/1/brief.docx?version={raw}")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")


# --- text no database column can hold, times out of range, nobody attending ----------------


def test_a_nul_character_in_a_form_is_refused_naming_the_field_and_stores_nothing(
        browser: Browser) -> None:
    browser.sign_in("amy")
    before = count_of(browser, Note)
    response = browser.post("/deals/1/notes/new", {"channel": "call", "text": "hello\x00world"})
    assert response.status_code == 422
    page = text_of(response)
    assert "text" in page and "NUL" in page
    assert count_of(browser, Note) == before


def test_a_nul_character_on_the_sign_in_form_is_refused(browser: Browser) -> None:
    page = browser.client.get("/sign-in")
    response = browser.client.post("/sign-in", data={
        "email": "amy\x00@handoff.example", "password": "x", "csrf_token": token_in(page)})
    assert response.status_code == 422
    assert "NUL" in text_of(response)


def test_thousands_of_digits_are_no_id_and_no_row_number(browser: Browser) -> None:
    browser.sign_in("amy")
    digits = "1" * 5000
    response = browser.post("/deals/1/acknowledge", {"version": digits}, token_from="/deals/1")
    assert response.status_code == 422
    browser.sign_in("ana")
    response = browser.post("/deals/new", {"action": f"remove:{digits}",
                                           f"terms-{digits}-kind": "clause"})
    assert response.status_code == 200
    assert "Close a deal" in text_of(response)


def test_a_kickoff_held_in_the_year_one_is_refused_as_the_api_refuses_it(
        browser: Browser) -> None:
    browser.sign_in("amy")
    response = browser.post("/deals/1/kickoff/held", {
        "held_at": "0001-01-01T00:00", "minutes": "",
        "attendee_ids": [str(user_id(browser, "amy"))]})
    assert response.status_code == 422
    assert "Must be a time between the years 1900 and 9998." in text_of(response)
    assert _kickoff_status(browser, 1) != "held"


def test_a_kickoff_nobody_attended_is_refused(browser: Browser) -> None:
    browser.sign_in("amy")
    response = browser.post("/deals/1/kickoff/held", {
        "held_at": "2026-11-20T10:30", "minutes": "Nobody came."})
    assert response.status_code == 422
    assert "Say who attended: at least one person." in text_of(response)
    assert _kickoff_status(browser, 1) != "held"


def _kickoff_status(browser: Browser, deal_id: int) -> str:
    with browser.app.app_context():
        return db.session.query(Kickoff).filter_by(deal_id=deal_id).one().status


# --- faults behind a page: a page, not the API's JSON --------------------------------------


def test_a_page_whose_database_is_away_says_so_and_when_to_try_again(
        browser: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services import deals as deal_service

    browser.sign_in("amy")

    def away(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(deal_service, "list_deals", away)
    response = browser.client.get("/deals")
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "2"
    assert "The database is not answering just now." in text_of(response)


def test_a_fault_behind_a_page_is_a_page_that_says_nothing_was_saved(
        browser: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.services import deals as deal_service

    browser.sign_in("amy")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(deal_service, "list_deals", broken)
    response = browser.client.get("/deals")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert "Something went wrong on our side; nothing was saved." in text_of(response)

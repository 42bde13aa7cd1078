"""Numbers typed into addresses and forms that are not ids: digits of other scripts ("²" and
"٣" pass str.isdigit), and values no id column holds. Each page answers as if nothing was given
or refuses the field; none answers 500 and nothing is stored."""

from __future__ import annotations

import pytest

from app.db.models import Acknowledgement
from app.web.forms import an_id
from tests.web.conftest import Browser, count_of

NOT_IDS = ["²", "٣", "0", "-1", "2147483648", "99999999999999999999", " ", "1.5"]


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

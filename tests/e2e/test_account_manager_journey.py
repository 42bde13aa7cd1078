"""An account manager downloads the brief and marks the kickoff held."""

from __future__ import annotations

from typing import Any

from docx import Document
from playwright.sync_api import expect


def test_an_account_manager_downloads_the_brief_and_marks_the_kickoff_held(person: Any) -> None:
    amy = person("amy", timezone="America/Chicago")
    page = amy.page
    amy.go("/kickoffs")
    expect(page.get_by_role("heading", name="My kickoffs")).to_be_visible()
    expect(page.locator("svg.timeline")).to_be_visible()
    amy.screenshot("my-kickoffs")
    row = page.get_by_role("row", name="Acme 2027 supply")
    with page.expect_download() as download:
        row.get_by_role("link", name="Brief (.docx)").click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "Acme 2027 supply" in text
    row.get_by_role("link", name="Mark held").click()
    heading = page.get_by_role("heading", name="Mark the kickoff of Acme 2027 supply held")
    expect(heading).to_be_visible()
    page.get_by_label("Minutes").fill("Reviewed tier prices and the volume cap with Jane.")
    page.get_by_role("button", name="Record the kickoff as held").click()
    expect(page.get_by_role("status")).to_contain_text("The kickoff is recorded as held.")
    expect(page.locator("#kickoff")).to_contain_text("held")
    expect(page.locator("#kickoff")).to_contain_text("Reviewed tier prices and the volume cap")

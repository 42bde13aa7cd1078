"""Signing in and out in a real browser."""

from __future__ import annotations

from typing import Any


def test_a_person_signs_in_sees_their_name_and_signs_out(person: Any) -> None:
    fred = person("fred", timezone="America/Chicago")
    assert "Fred Ortiz" in fred.page.locator("header").inner_text()
    fred.page.get_by_role("button", name="Sign out").click()
    fred.page.wait_for_load_state()
    assert fred.page.get_by_role("heading", name="Sign in to Handoff").is_visible()
    fred.go("/deals")
    assert "/sign-in" in fred.page.url

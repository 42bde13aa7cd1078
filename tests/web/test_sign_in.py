"""Signing in and out: every page needs it, every form needs its CSRF token, a session ends
for good when its owner signs out, and guessing passwords is throttled."""

from __future__ import annotations

import re

from flask import Flask

from tests.web.conftest import Browser, text_of, token_in


def _page_paths(app: Flask, method: str) -> list[str]:
    """Every web page taking `method`, with 1 for each id in its address."""
    paths = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("web.") or method not in (rule.methods or ()):
            continue
        if rule.endpoint == "web.sign_in":
            continue
        paths.append(re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "1", rule.rule))
    return paths


def test_no_page_opens_without_signing_in(browser: Browser) -> None:
    paths = _page_paths(browser.app, "GET")
    assert len(paths) > 1
    for path in paths:
        response = browser.client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/sign-in?next="), path


def test_no_form_is_accepted_without_signing_in(browser: Browser) -> None:
    for path in _page_paths(browser.app, "POST"):
        response = browser.client.post(path, data={})
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/sign-in"), path


def test_every_form_refuses_a_missing_csrf_token(browser: Browser) -> None:
    browser.sign_in("mia")
    paths = _page_paths(browser.app, "POST")
    assert "/sign-out" in paths
    for path in paths:
        response = browser.client.post(path, data={"reason": "x"})
        assert response.status_code == 400, path
        assert "This form has expired" in text_of(response), path
    assert browser.client.get("/deals").status_code == 200  # sign-out was refused too


def test_sign_in_form_refuses_a_missing_csrf_token(browser: Browser) -> None:
    response = browser.client.post("/sign-in", data={"email": "mia@handoff.example",
                                                      "password": "handoff-demo-2026"})
    assert response.status_code == 400
    assert "This form has expired" in text_of(response)
    assert browser.client.get("/deals").status_code == 302


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(browser: Browser)\
        -> None:
    page = browser.client.get("/sign-in")
    response = browser.client.post("/sign-in", data={
        "email": "mia@handoff.example", "password": "guess", "csrf_token": token_in(page)})
    assert response.status_code == 422
    assert "The email or the password is not right." in text_of(response)
    unknown = browser.client.post("/sign-in", data={
        "email": "nobody@handoff.example", "password": "guess", "csrf_token": token_in(page)})
    assert "The email or the password is not right." in text_of(unknown)


def test_signing_in_lands_each_person_where_their_work_is(browser: Browser) -> None:
    assert browser.sign_in("mia").headers["Location"] == "/dashboard"
    landing = {"ana": "/deals", "amy": "/kickoffs", "fred": "/orders", "admin": "/audit"}
    for who, where in landing.items():
        other = Browser(browser.app, browser.app.test_client())
        assert other.sign_in(who).headers["Location"] == where, who


def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(browser: Browser)\
        -> None:
    page = browser.client.get("/sign-in?next=/orders")
    response = browser.client.post("/sign-in?next=/orders", data={
        "email": "fred@handoff.example", "password": "handoff-demo-2026",
        "csrf_token": token_in(page)})
    assert response.headers["Location"] == "/orders"
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        other = Browser(browser.app, browser.app.test_client())
        page = other.client.get("/sign-in")
        response = other.client.post(f"/sign-in?next={target}", data={
            "email": "fred@handoff.example", "password": "handoff-demo-2026",
            "csrf_token": token_in(page)})
        assert response.headers["Location"] == "/", target


def test_the_session_cookie_is_secure_http_only_and_same_site(browser: Browser) -> None:
    response = browser.sign_in("fred")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_signing_out_ends_the_session_even_for_a_copied_cookie(browser: Browser) -> None:
    browser.sign_in("fred")
    copied = browser.client.get_cookie("session")
    assert copied is not None
    assert browser.client.get("/deals").status_code == 200
    browser.post("/sign-out", {}, token_from="/deals")
    assert browser.client.get("/deals").status_code == 302
    thief = browser.app.test_client()
    thief.set_cookie("session", copied.value)
    assert thief.get("/deals").status_code == 302


def test_a_cookie_from_before_sign_in_gains_nothing(browser: Browser) -> None:
    browser.client.get("/sign-in")
    planted = browser.client.get_cookie("session")
    assert planted is not None
    browser.sign_in("fred")
    after = browser.client.get_cookie("session")
    assert after is not None and after.value != planted.value
    other = browser.app.test_client()
    other.set_cookie("session", planted.value)
    assert other.get("/deals").status_code == 302


def test_guessing_passwords_is_throttled(browser: Browser) -> None:
    page = browser.client.get("/sign-in")
    statuses = [browser.client.post("/sign-in", data={
        "email": "mia@handoff.example", "password": f"guess-{n}",
        "csrf_token": token_in(page)}).status_code for n in range(7)]
    assert statuses[:5] == [422] * 5
    assert statuses[5:] == [429, 429]
    # Even the right password waits out the limit: the limit counts attempts, not failures.
    late = browser.client.post("/sign-in", data={
        "email": "mia@handoff.example", "password": "handoff-demo-2026",
        "csrf_token": token_in(page)})
    assert late.status_code == 429
    assert "Too Many Requests" in text_of(late)

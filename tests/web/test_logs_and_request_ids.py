"""Structured logs: JSON lines, each line of a request carrying the request's id (the caller's
X-Request-ID, or a new one, echoed in the response), and no secret in any line — not the
password, the API token, the session cookie, the Authorization header or the SECRET_KEY."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.logs import make_handler
from tests.web.conftest import Browser, token_in, user_id


class Captured:
    """Every log line written while it is attached, as Handoff's own handler writes them."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    @property
    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def clear(self) -> None:
        self.stream.seek(0)
        self.stream.truncate()


@pytest.fixture
def logs() -> Iterator[Captured]:
    """All loggers at DEBUG (SQL statements and their parameters included), into one buffer."""
    captured = Captured()
    handler = make_handler(captured.stream)
    root, sql = logging.getLogger(), logging.getLogger("sqlalchemy.engine")
    levels = root.level, sql.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    sql.setLevel(logging.DEBUG)  # the migrations' logging set-up quietens it
    try:
        yield captured
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        sql.setLevel(levels[1])


def _api_token(browser: Browser, who: str) -> str:
    from app.services.users import issue_token

    with browser.app.app_context():
        return issue_token(db.session, None, user_id(browser, who), "log test").secret


def test_a_request_id_given_by_the_caller_is_echoed_and_one_is_made_otherwise(
        browser: Browser) -> None:
    given = browser.client.get("/api/v1/health", headers={"X-Request-ID": "lb-7f3a.42"})
    assert given.headers["X-Request-ID"] == "lb-7f3a.42"
    made = browser.client.get("/api/v1/health")
    again = browser.client.get("/api/v1/health")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    assert made.headers["X-Request-ID"] != again.headers["X-Request-ID"]
    # Refusals and pages carry it too.
    assert browser.client.get("/api/v1/deals").headers["X-Request-ID"]
    assert browser.client.get("/sign-in").headers["X-Request-ID"]


@pytest.mark.parametrize("hostile", ["a" * 129, "abc def", "x;forged=line", "<script>",
                                     "ünïcode"])
def test_a_request_id_that_is_not_a_plain_token_is_replaced(browser: Browser,
                                                            hostile: str) -> None:
    response = browser.client.get("/api/v1/health", headers={"X-Request-ID": hostile})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_every_log_line_of_a_request_carries_its_id(browser: Browser, logs: Captured) -> None:
    page = browser.client.get("/sign-in")
    logs.clear()
    response = browser.client.post("/sign-in", headers={"X-Request-ID": "req-sign-in-1"}, data={
        "email": "mia@handoff.example", "password": "not-her-password",
        "csrf_token": token_in(page)})
    assert response.status_code == 422
    lines = logs.lines
    assert any(line["message"] == "sign-in refused" for line in lines)
    assert any(line["logger"].startswith("sqlalchemy.engine") for line in lines)
    assert {line.get("request_id") for line in lines} == {"req-sign-in-1"}
    for line in lines:
        assert {"time", "level", "logger", "message"} <= line.keys()
        assert line["time"].endswith("+00:00")


def test_no_line_outside_a_request_claims_one(browser: Browser, logs: Captured) -> None:
    browser.client.get("/api/v1/health", headers={"X-Request-ID": "req-finished"})
    logs.clear()
    logging.getLogger("app.scheduler").info("a line between requests")
    assert "request_id" not in logs.lines[-1]


def test_no_secret_reaches_the_logs_of_a_sign_in_and_an_api_call(browser: Browser,
                                                                 logs: Captured) -> None:
    @browser.app.get("/api/v1/boom-for-the-log-test")
    def boom() -> Any:
        from flask import request

        raise RuntimeError(f"failed while holding {request.headers['Authorization']}")

    secret_key = "k3y-Only-The-Server-Knows-7Gq2"
    browser.app.config["SECRET_KEY"] = secret_key
    token = _api_token(browser, "mia")
    wrong_password = "Guess-Me-If-You-Can-991"

    page = browser.client.get("/sign-in")
    refused = browser.client.post("/sign-in", data={
        "email": "mia@handoff.example", "password": wrong_password,
        "csrf_token": token_in(page)})
    assert refused.status_code == 422
    assert browser.sign_in("mia").status_code == 302
    cookie = browser.client.get_cookie("session")
    assert cookie is not None
    session_id = browser.app.session_interface.get_signing_serializer(  # type: ignore[attr-defined]
        browser.app).loads(cookie.value)["_user_id"]
    assert browser.client.get("/deals").status_code == 200

    bearer = f"Bearer {token}"
    assert browser.client.get("/api/v1/deals", headers={"Authorization": bearer}).status_code \
        == 200
    revoked_looking = "hnd_" + "Z" * 43
    assert browser.client.get("/api/v1/deals", headers={
        "Authorization": f"Bearer {revoked_looking}"}).status_code == 401
    feed = browser.client.get(f"/api/v1/deals/{1}", headers={"Authorization": bearer})
    assert feed.status_code == 200

    assert browser.client.get("/api/v1/boom-for-the-log-test",
                              headers={"Authorization": bearer}).status_code == 500

    text = logs.text
    assert "signed in" in text and "sign-in refused" in text  # the logs did record all this
    assert "Traceback" in text and "Bearer [redacted]" in text
    for name, secret in {"password": DEMO_PASSWORD, "wrong password": wrong_password,
                         "API token": token, "unknown token": revoked_looking,
                         "Authorization header": bearer, "session cookie": cookie.value,
                         "session id": session_id, "SECRET_KEY": secret_key}.items():
        assert secret not in text, f"the {name} was logged"


def test_a_calendar_feed_address_is_never_logged_whole() -> None:
    from app.logs import redact

    line = redact("GET /api/v1/calendar/Zr0Xq9-secret_Feed.ics failed")
    assert "Zr0Xq9-secret_Feed" not in line
    assert "/api/v1/calendar/[redacted].ics" in line

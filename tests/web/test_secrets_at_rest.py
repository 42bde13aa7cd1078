"""Secrets at rest: the database holds no API token, browser session id or password in the
clear — only their hashes — so a copy of the database (a backup, a leak) lets nobody in."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from app.db.base import Base
from app.demo import DEMO_PASSWORD
from app.extensions import db
from tests.web.conftest import Browser, user_id


def _everything_on_file(browser: Browser) -> str:
    with browser.app.app_context():
        rows = []
        for table in Base.metadata.sorted_tables:
            rows.extend(str(tuple(row)) for row in db.session.execute(select(table)))
        return "\n".join(rows)


def test_tokens_session_ids_and_passwords_are_stored_only_as_hashes(browser: Browser) -> None:
    browser.sign_in("admin")
    cookie = browser.client.get_cookie("session")
    assert cookie is not None
    session_id = browser.app.session_interface.get_signing_serializer(  # type: ignore[attr-defined]
        browser.app).loads(cookie.value)["_user_id"]
    from app.services.users import issue_token

    with browser.app.app_context():
        token = issue_token(db.session, None, user_id(browser, "fred"), "rest test").secret
    assert browser.client.get("/api/v1/deals",
                              headers={"Authorization": f"Bearer {token}"}).status_code == 200

    on_file = _everything_on_file(browser)
    for name, secret in {"API token": token, "session id": session_id,
                         "password": DEMO_PASSWORD}.items():
        assert secret not in on_file, f"the {name} is stored in the clear"
    # What is kept instead: the token's SHA-256 (it carries 256 random bits) and an argon2 hash.
    assert hashlib.sha256(token.encode()).hexdigest() in on_file
    assert hashlib.sha256(session_id.encode()).hexdigest() in on_file
    assert "$argon2id$" in on_file

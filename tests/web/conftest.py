"""The web pages through Flask's test client, on the demo data (built once, copied per test),
with the clock pinned so dates on the pages are known. On SQLite the copy is a file; on
PostgreSQL (TEST_DATABASE=postgresql) a database made from a template database."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from werkzeug.test import TestResponse

from app import create_app
from app.demo import DEMO_PASSWORD, load_demo
from app.extensions import db
from tests.conftest import ADMIN_URL, ON_POSTGRES, _migrate, _psycopg, app_config

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _config(url: str, instance: Path) -> dict[str, Any]:
    return app_config(url, instance, NOW=lambda: NOW)


def _load_demo(url: str, instance: Path) -> None:
    app = create_app(_config(url, instance))
    with app.app_context():
        load_demo(db.session)
        db.session.remove()
        db.engine.dispose()


def _admin() -> Any:
    return create_engine(_psycopg(ADMIN_URL), isolation_level="AUTOCOMMIT")


def _postgres_url(name: str) -> str:
    return _psycopg(ADMIN_URL.rsplit("/", 1)[0] + "/" + name)


@pytest.fixture(scope="session")
def demo_template(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo data, loaded once: a SQLite file, or a PostgreSQL database used as a template."""
    folder = tmp_path_factory.mktemp("demo")
    if not ON_POSTGRES:
        path = folder / "demo.sqlite3"
        shutil.copyfile(database_url.removeprefix("sqlite:///"), path)
        _load_demo(f"sqlite:///{path}", folder / "instance")
        yield str(path)
        return
    name, admin = f"handoff_web_{uuid.uuid4().hex[:10]}", _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _migrate(_postgres_url(name), folder / "instance")
        _load_demo(_postgres_url(name), folder / "instance")
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def _copy_of(template: str, folder: Path) -> Iterator[str]:
    """A database of this test's own with the demo data in it."""
    if not ON_POSTGRES:
        path = folder / "handoff.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    name, admin = f"{template}_{uuid.uuid4().hex[:6]}", _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _postgres_url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Browser:
    """A person at the web pages: a test client with its cookies, signing in as someone."""

    app: Flask
    client: FlaskClient

    def sign_in(self, who: str) -> TestResponse:
        page = self.client.get("/sign-in")
        return self.client.post("/sign-in", data={
            "email": f"{who}@handoff.example", "password": DEMO_PASSWORD,
            "csrf_token": token_in(page)})

    def form_token(self, path: str) -> str:
        return token_in(self.client.get(path))

    def post(self, path: str, data: dict[str, Any], token_from: str | None = None,
             **kwargs: Any) -> TestResponse:
        """Post a form the way a browser would: with the CSRF token of the page it came from."""
        data = {"csrf_token": self.form_token(token_from or path), **data}
        return self.client.post(path, data=data, **kwargs)


def token_in(page: TestResponse) -> str:
    found = CSRF.search(page.get_data(as_text=True))
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@pytest.fixture
def browser(demo_template: str, tmp_path: Path) -> Iterator[Browser]:
    with _copy_of(demo_template, tmp_path) as url:
        app = create_app(_config(url, tmp_path / "instance"))
        yield Browser(app, app.test_client())
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def text_of(response: TestResponse) -> str:
    """The page as a person reads it: tags dropped, white space collapsed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.get_data(as_text=True),
                  flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def user_id(browser: Browser, who: str) -> int:
    from app.services.users import user_by_email

    with browser.app.app_context():
        user = user_by_email(db.session, f"{who}@handoff.example")
        assert user is not None
        return user.id


def count_of(browser: Browser, model: type) -> int:
    from sqlalchemy import func, select

    with browser.app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


class _FormReader(HTMLParser):
    """What a browser would send for the page's forms: inputs, checked boxes, chosen options,
    text areas (submit buttons left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1][a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1][self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.forms[-1][self._textarea or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1][self._textarea] += data


def form_fields(response: TestResponse, index: int = -1) -> dict[str, str]:
    """The fields of one form of the page (the last by default: the header holds sign-out)."""
    reader = _FormReader()
    reader.feed(response.get_data(as_text=True))
    return reader.forms[index]

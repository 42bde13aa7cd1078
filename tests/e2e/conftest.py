"""The web pages in a real browser: Debian's Chromium driven by Playwright, against the app
served on a local port with the demo data that `make run` loads.

Chromium is found at $CHROMIUM (default /usr/bin/chromium; `make browser` installs it).
Screenshots of the pages each journey passes through are saved in tests/e2e/artifacts/.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from werkzeug.serving import make_server

from app import create_app
from app.demo import DEMO_PASSWORD, load_demo
from app.extensions import db
from tests.conftest import app_config

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WIDTHS = {"phone": 360, "desktop": 1440}


@pytest.fixture(scope="session")
def live_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Handoff with the demo data, served on a free local port for the whole session."""
    folder = tmp_path_factory.mktemp("e2e")
    path = folder / "handoff.sqlite3"
    shutil.copyfile(database_url.removeprefix("sqlite:///"), path)
    app = create_app(app_config(f"sqlite:///{path}", folder / "instance", TESTING=False))
    with app.app_context():
        load_demo(db.session)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"Chromium is not at {CHROMIUM}: run `make browser`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


class Person:
    """One person's browser tab: signs in, keeps console errors, saves screenshots."""

    def __init__(self, page: Page, base: str, name: str) -> None:
        self.page = page
        self.base = base
        self.name = name
        self.console_errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # A form sent back with its errors answers 422 by design; Chromium logs that status of
        # the page itself as a failed load. Any other failure (a script, a stylesheet, an
        # image, a script error) counts.
        own_page = message.location.get("url") == self.page.url
        if own_page and "status of 422" in message.text:
            return
        self.console_errors.append(f"{message.text} at {message.location.get('url')}")

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def sign_in(self, who: str) -> None:
        self.go("/sign-in")
        self.page.get_by_label("Email").fill(f"{who}@handoff.example")
        self.page.get_by_label("Password").fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def screenshot(self, name: str) -> None:
        """The page at phone and desktop width, saved as artifacts; the page must not scroll
        sideways at either width."""
        ARTIFACTS.mkdir(exist_ok=True)
        for label, width in WIDTHS.items():
            self.page.set_viewport_size({"width": width, "height": 900})
            overflow = self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
            self.page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        self.page.set_viewport_size({"width": 1440, "height": 900})


@pytest.fixture
def person(chromium: Browser, live_url: str) -> Iterator[Any]:
    """Make a person with their own browser context (cookies of their own)."""
    contexts = []
    people: list[Person] = []

    def make(who: str, timezone: str = "UTC") -> Person:
        context = chromium.new_context(viewport={"width": 1440, "height": 900},
                                       timezone_id=timezone, accept_downloads=True)
        contexts.append(context)
        one = Person(context.new_page(), live_url, who)
        one.sign_in(who)
        people.append(one)
        return one

    yield make
    for context in contexts:
        context.close()
    errors = {p.name: p.console_errors for p in people if p.console_errors}
    assert not errors, f"console errors: {errors}"

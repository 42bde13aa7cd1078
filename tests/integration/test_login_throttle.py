"""Login throttling holds across workers: two separate server processes that share Redis
(REDIS_URL) count one person's sign-in attempts together. Without Redis each process counts
alone (the control that shows the test can tell the two apart)."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import redis

from app.extensions import db
from app.services.users import create_user
from tests.integration.test_gunicorn import Gunicorn

REDIS_URL = "redis://127.0.0.1:6379/0"
EMAIL = "mia@seller.example"


class SignInPage:
    """One browser at one server: its own cookies and the form's CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def attempt(self, password: str) -> int:
        with self.opener.open(self.base + "/sign-in", timeout=10) as page:
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.read().decode())
        assert token
        form = urllib.parse.urlencode({"email": EMAIL, "password": password,
                                       "csrf_token": token.group(1)}).encode()
        try:
            with self.opener.open(self.base + "/sign-in", data=form, timeout=10) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as error:
            return int(error.code)


@pytest.fixture
def two_servers(app, db_url: str, tmp_path: Path):
    with app.app_context():
        create_user(db.session, None, {"email": EMAIL, "name": "Mia Boss", "roles": ["manager"],
                                       "password": "the-right-one-2026"})
        db.session.remove()
    started: list[Gunicorn] = []

    def start(**settings: str) -> tuple[Gunicorn, Gunicorn]:
        pair = tuple(Gunicorn(db_url, tmp_path / f"server-{len(started) + n}", workers=1,
                              SESSION_COOKIE_SECURE="0", **settings) for n in range(2))
        started.extend(pair)
        return pair  # type: ignore[return-value]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    prefix = f"handoff-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def _guesses(first: Gunicorn, second: Gunicorn) -> list[int]:
    """Three wrong passwords at each server, from the same address, for the same email."""
    at_first, at_second = SignInPage(first.base), SignInPage(second.base)
    return [at_first.attempt(f"guess-{n}") for n in range(3)] + \
           [at_second.attempt(f"guess-{n}") for n in range(3, 6)]


def test_attempts_at_two_workers_sharing_redis_are_counted_together(two_servers,
                                                                    redis_prefix) -> None:
    first, second = two_servers(REDIS_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=redis_prefix)
    assert _guesses(first, second) == [422, 422, 422, 422, 422, 429]
    assert SignInPage(first.base).attempt("the-right-one-2026") == 429
    assert any(redis_prefix in key.decode() for key in
               redis.Redis.from_url(REDIS_URL).scan_iter(f"*{redis_prefix}*"))


def test_without_redis_each_worker_counts_alone(two_servers) -> None:
    first, second = two_servers(REDIS_URL="")
    assert _guesses(first, second) == [422] * 6

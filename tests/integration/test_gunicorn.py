"""Handoff under gunicorn with its own gunicorn.conf.py: JSON access log lines carrying each
request's id and no secret, metrics summed over every worker (one killed midway included)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.models import User
from app.extensions import db
from tests.api.builders import make_world
from tests.integration.test_invitations import _free_port

ROOT = Path(__file__).resolve().parents[2]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class Gunicorn:
    def __init__(self, db_url: str, folder: Path, workers: int = 2,
                 **settings: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.access_log = folder / "access.log"
        self.error_log = folder / "error.log"
        env = {**os.environ, "DATABASE_URL": db_url, "HANDOFF_ENV_FILE": "/nonexistent",
               "SECRET_KEY": "gunicorn-test-secret", "WEB_CONCURRENCY": str(workers),
               "BIND": f"127.0.0.1:{self.port}", "MAIL_URL": "",
               "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
               "GUNICORN_ACCESS_LOG": str(self.access_log),
               "GUNICORN_ERROR_LOG": str(self.error_log), **settings}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _get(self.base + "/api/v1/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError(f"gunicorn did not start: {self.error_log.read_text()}")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
                             capture_output=True, text=True, check=False).stdout
        return [int(p) for p in out.split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(30)


@pytest.fixture
def served(app, client, db_url: str, tmp_path: Path) -> Iterator[tuple[Gunicorn, dict]]:
    world = make_world(app, client)
    with app.app_context():
        feed = db.session.scalar(select(User.feed_token).where(User.id == world.ids["sales"]))
        db.session.remove()
    server = Gunicorn(db_url, tmp_path)
    try:
        yield server, {"token": world.sales.token, "feed": feed}
    finally:
        server.stop()


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_access_log_lines_are_json_with_the_request_id_and_no_secret(served) -> None:
    server, secrets = served
    bearer = {"Authorization": f"Bearer {secrets['token']}"}
    sent = [f"probe-{n}" for n in range(6)]
    for request_id in sent:
        status, headers, _ = _get(server.base + "/api/v1/deals",
                                  {**bearer, "X-Request-ID": request_id})
        assert status == 200 and headers["X-Request-ID"] == request_id
    status, _, body = _get(f"{server.base}/api/v1/calendar/{secrets['feed']}.ics")
    assert status == 200 and "BEGIN:VCALENDAR" in body
    server.stop()  # flushes and closes the logs

    text = server.access_log.read_text()
    lines = [json.loads(line) for line in text.splitlines()]
    by_id = {line["request_id"]: line for line in lines}
    for request_id in sent:
        line = by_id[request_id]
        assert line["method"] == "GET" and line["path"] == "/api/v1/deals"
        assert line["status"] == 200 and line["duration_ms"] >= 0 and line["time"]
    feed_lines = [line for line in lines if "/calendar/" in line["path"]]
    assert feed_lines and feed_lines[0]["path"] == "/api/v1/calendar/[redacted].ics"
    for secret in (secrets["token"], secrets["feed"], "gunicorn-test-secret"):
        assert secret not in text
        assert secret not in server.error_log.read_text()
    assert all(json.loads(line) for line in server.error_log.read_text().splitlines())


def test_metrics_add_up_over_all_workers_even_one_killed(served) -> None:
    server, _ = served
    for _ in range(30):
        assert _get(server.base + "/api/v1/health")[0] == 200
    status, _, before = _get(server.base + "/metrics")
    assert status == 200
    served_before = _metric(before, "handoff_http_requests_total", route="/api/v1/health",
                            status="200")
    assert served_before >= 30

    victim = server.worker_pids()[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while (victim in server.worker_pids() or len(server.worker_pids()) < 2) \
            and time.monotonic() < deadline:
        time.sleep(0.2)
    assert victim not in server.worker_pids() and len(server.worker_pids()) == 2

    status, _, after = _get(server.base + "/metrics")
    assert status == 200
    served_after = _metric(after, "handoff_http_requests_total", route="/api/v1/health",
                           status="200")
    assert served_after >= served_before  # the killed worker's count is kept
    assert re.search(r"^handoff_database_up 1\.0$", after, re.M)
    assert _metric(after, "handoff_outbox_messages", status="pending") == 0

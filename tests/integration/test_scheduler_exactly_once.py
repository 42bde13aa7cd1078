"""Two scheduler processes share the outbox on PostgreSQL; one is killed with SIGKILL midway.
Every attendee still gets each invitation once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.models import OutboxMessage
from app.extensions import db
from tests.api.builders import deal_body, make_products, make_world
from tests.conftest import ON_POSTGRES
from tests.integration.test_invitations import Inbox, _free_port

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="SKIP LOCKED needs PostgreSQL; CI runs "
                                "this file in its PostgreSQL pass")

DEALS = 12


class SlowInbox(Inbox):
    """A mail server that takes its time, so a scheduler can be killed mid-send."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def _scheduler(db_url: str, mail_url: str, instance: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": db_url.replace("+psycopg", ""), "MAIL_URL": mail_url,
           "SCHEDULER_EMBEDDED": "0", "HANDOFF_ENV_FILE": "/nonexistent",
           # A killed scheduler's message goes out when its lease ends: short here.
           "MAIL_SEND_LEASE_SECONDS": "5"}
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run", "--interval", "1"],
        env=env, cwd=Path(__file__).resolve().parents[2], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)


def _key(message) -> str:
    return "".join(str(message["X-Handoff-Message"]).split())


def _pending(app) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status != "sent")) or 0)


def test_two_schedulers_and_a_sigkill_send_each_invitation_exactly_once(app, client, db_url,
                                                                        tmp_path):
    from aiosmtpd.controller import Controller

    world = make_world(app, client)
    make_products(world)
    for n in range(DEALS):
        account = world.sales.post("/api/v1/accounts", {"name": f"Customer {n}",
                                                        "external_ref": f"CRM-{n}"}).json
        contact = world.sales.post(f"/api/v1/accounts/{account['id']}/contacts", {
            "name": f"Buyer {n}", "email": f"buyer{n}@customer.example"}).json
        made = world.sales.post("/api/v1/deals", deal_body(world, account["id"], [contact["id"]]))
        assert made.status_code == 201, made.json
    with app.app_context():
        expected = set(db.session.scalars(select(OutboxMessage.dedupe_key)))
    assert len(expected) >= DEALS * 4

    handler, port = SlowInbox(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    first = _scheduler(db_url, f"smtp://127.0.0.1:{port}", tmp_path)
    second = _scheduler(db_url, f"smtp://127.0.0.1:{port}", tmp_path)
    try:
        deadline = time.monotonic() + 60
        while len(handler.messages) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        while _pending(app) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.terminate()
                process.wait(10)
        controller.stop()

    assert _pending(app) == 0, "every message was sent"
    ids_by_key: dict[str, set[str]] = defaultdict(set)
    for message in handler.messages:
        ids_by_key[_key(message)].add(message["Message-ID"])
    invitations = {key for key in ids_by_key if key.startswith("invite:")}
    assert invitations == expected, "every attendee got their invitation"
    assert all(len(ids) == 1 for ids in ids_by_key.values()), "one message per invitation"
    deliveries = Counter(_key(m) for m in handler.messages)
    # A message whose sender died after the mail server accepted it but before its commit is
    # sent again with the same Message-ID; that window is one commit wide.
    assert sum(deliveries.values()) - len(deliveries) <= 1

"""The outbox when things go wrong: while the mail server is down, messages wait (nothing is
lost) and go out once it is back; a message being sent is leased, so a second scheduler
running meanwhile never sends it again."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, select, text

from app.db.models import OutboxMessage
from app.extensions import db
from app.services.briefs import attachment_for
from app.services.dispatch import send_due_messages
from tests.api.builders import NOW, make_deal, make_products, make_world
from tests.conftest import ON_POSTGRES
from tests.integration.test_invitations import Inbox, _free_port


@pytest.fixture
def inbox():
    handler = Inbox()
    server = Controller(handler, hostname="127.0.0.1", port=_free_port())
    server.start()
    try:
        yield handler, f"smtp://127.0.0.1:{server.port}"
    finally:
        server.stop()


def _outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


def _send(app) -> int:
    with app.app_context():
        return send_due_messages(db.session, attachment_for)


def test_messages_wait_while_the_mail_server_is_down_and_go_out_once_it_is_back(app, client):
    port = _free_port()
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    server.stop()  # the mail server is down
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"
    world = make_world(app, client)
    make_products(world)
    make_deal(world)

    _send(app)
    waiting = _outbox(app)
    assert len(waiting) == 4
    assert all(m.status == "pending" and m.attempts == 1 and m.last_error for m in waiting)
    app.config["NOW"] = lambda: NOW + timedelta(seconds=31)
    _send(app)  # still down: a second attempt, and a longer wait before the next
    assert all(m.attempts == 2 and m.status == "pending" for m in _outbox(app))

    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()  # back
    try:
        assert _send(app) == 0  # each message waits out its back-off
        assert inbox.messages == []
        app.config["NOW"] = lambda: NOW + timedelta(seconds=31 + 61)
        assert _send(app) == 4
    finally:
        server.stop()
    sent = _outbox(app)
    assert all(m.status == "sent" and m.sent_at is not None for m in sent)
    deliveries = Counter(m["X-Handoff-Message"] for m in inbox.messages)
    assert set(deliveries) == {m.dedupe_key for m in sent}
    assert set(deliveries.values()) == {1}


def test_a_message_that_cannot_be_made_is_retried_then_marked_failed(app, client):
    """Not only a mail server away: a message whose attachment cannot be made is kept with
    its error, retried with back-off, and marked failed after the last attempt (where the
    failed-messages alert sees it) — never re-leased for ever."""
    from app.services.dispatch import MAX_ATTEMPTS

    world = make_world(app, client)
    make_products(world)
    make_deal(world)

    def broken_attachment(_message):
        raise ValueError("the brief could not be rendered")

    moment = NOW
    for _attempt in range(MAX_ATTEMPTS):
        app.config["NOW"] = lambda at=moment: at
        with app.app_context():
            send_due_messages(db.session, broken_attachment)
        moment += timedelta(hours=2)
    rows = _outbox(app)
    assert rows and all(m.status == "failed" for m in rows)
    assert all(m.attempts == MAX_ATTEMPTS for m in rows)
    assert all("ValueError: the brief could not be rendered" in m.last_error for m in rows)


def test_a_message_being_sent_is_not_sent_again_by_a_second_scheduler(app, client, inbox):
    handler, url = inbox
    app.config["MAIL_URL"] = url
    world = make_world(app, client)
    make_products(world)
    make_deal(world)
    others: list[threading.Thread] = []
    other_sent: list[int] = []

    def second_scheduler() -> None:
        with app.app_context():
            other_sent.append(send_due_messages(db.session, attachment_for))

    def attach_while_another_scheduler_runs(message):
        if not others:  # while the first message is out, another scheduler takes its turn
            others.append(threading.Thread(target=second_scheduler))
            others[0].start()
        return attachment_for(message)

    with app.app_context():
        first_sent = send_due_messages(db.session, attach_while_another_scheduler_runs)
    others[0].join(60)

    assert first_sent + other_sent[0] == 4
    deliveries = Counter(m["X-Handoff-Message"] for m in handler.messages)
    assert len(deliveries) == 4 and set(deliveries.values()) == {1}
    assert all(m.status == "sent" for m in _outbox(app))


@pytest.mark.skipif(not ON_POSTGRES, reason="kills a PostgreSQL backend; CI runs this file in "
                    "its PostgreSQL pass")
def test_a_database_restart_while_a_message_is_out_does_not_send_it_twice(app, client, inbox,
                                                                          db_url):
    """The sending scheduler's database connection is cut after the message was composed and
    before it is recorded as sent (as a PostgreSQL restart does)."""
    handler, url = inbox
    app.config["MAIL_URL"] = url
    world = make_world(app, client)
    make_products(world)
    make_deal(world)
    killer = create_engine(db_url)
    cut: list[int] = []

    def attach_then_lose_the_database(message):
        attachment = attachment_for(message)
        if not cut:
            pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with killer.begin() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            cut.append(pid)
        return attachment

    try:
        with app.app_context():
            send_due_messages(db.session, attach_then_lose_the_database)
            send_due_messages(db.session, attachment_for)  # a later round finds nothing to redo
    finally:
        killer.dispose()
    assert cut
    deliveries = Counter(m["X-Handoff-Message"] for m in handler.messages)
    assert len(deliveries) == 4 and set(deliveries.values()) == {1}
    assert all(m.status == "sent" for m in _outbox(app))

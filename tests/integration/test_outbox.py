"""Queuing messages and planning work in batches keeps the rules of doing it one at a time: a
key already on file keeps its first message, a pending plan moves only when asked to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.db.models import DueWork, OutboxMessage
from app.extensions import db
from app.services import outbox

AT = datetime(2026, 11, 23, 17, tzinfo=UTC)


def message(key: str, subject: str = "Kickoff") -> outbox.Message:
    return outbox.Message(key=key, kind="invitation", recipient=f"{key}@example.com",
                          subject=subject, body="Agenda", ics="BEGIN:VCALENDAR", method="REQUEST",
                          brief_version=1)


def queued(app) -> dict[str, OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage)).all()
        db.session.expunge_all()
        return {row.dedupe_key: row for row in rows}


def planned(app) -> dict[str, DueWork]:
    with app.app_context():
        rows = db.session.scalars(select(DueWork)).all()
        db.session.expunge_all()
        return {row.key: row for row in rows}


def test_a_batch_queues_every_new_message_ready_to_send(app):
    with app.app_context():
        assert outbox.enqueue_all(db.session, [message("ana"), message("amy")]) == 2
        db.session.commit()

    rows = queued(app)
    assert set(rows) == {"ana", "amy"}
    assert rows["ana"].status == "pending" and rows["ana"].attempts == 0
    assert rows["ana"].recipient == "ana@example.com" and rows["ana"].ics_method == "REQUEST"
    assert rows["ana"].brief_version == 1 and rows["ana"].created_at is not None


def test_a_key_already_queued_or_given_twice_keeps_its_first_message(app):
    with app.app_context():
        outbox.enqueue(db.session, key="ana", kind="invitation", recipient="ana@example.com",
                       subject="First", body="Agenda")
        added = outbox.enqueue_all(db.session, [message("ana", "Second"), message("amy", "One"),
                                                message("amy", "Two")])
        db.session.commit()

    rows = queued(app)
    assert added == 1
    assert {key: row.subject for key, row in rows.items()} == {"ana": "First", "amy": "One"}


def test_a_batch_plan_moves_a_pending_plan_only_when_asked(app):
    with app.app_context():
        outbox.plan(db.session, key="reminder", kind="kickoff_reminder", due_at=AT,
                    payload={"sequence": 0})
        outbox.plan(db.session, key="escalation", kind="kickoff_escalation", due_at=AT,
                    payload={})
        outbox.plan_all(db.session, [
            outbox.Plan(key="reminder", kind="kickoff_reminder", due_at=AT + timedelta(hours=1),
                        payload={"sequence": 1}),
            outbox.Plan(key="escalation", kind="kickoff_escalation",
                        due_at=AT + timedelta(days=1), payload={}, replace=True),
            outbox.Plan(key="follow-up", kind="followup_call", due_at=AT, payload={"n": 1}),
            outbox.Plan(key="follow-up", kind="followup_call", due_at=AT, payload={"n": 2}),
        ])
        db.session.commit()

    rows = planned(app)
    assert rows["reminder"].due_at == AT and rows["reminder"].payload == {"sequence": 0}
    assert rows["escalation"].due_at == AT + timedelta(days=1)
    assert rows["follow-up"].payload == {"n": 1} and rows["follow-up"].status == "pending"


def test_a_plan_already_done_is_not_moved_by_a_batch(app):
    with app.app_context():
        work = outbox.plan(db.session, key="escalation", kind="kickoff_escalation", due_at=AT,
                           payload={})
        work.status = "done"
        outbox.plan_all(db.session, [outbox.Plan(
            key="escalation", kind="kickoff_escalation", due_at=AT + timedelta(days=1),
            payload={}, replace=True)])
        db.session.commit()

    assert planned(app)["escalation"].due_at == AT

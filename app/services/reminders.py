"""Planning reminders: promises before they fall due."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app import clock
from app.db.models import Note, User
from app.services import outbox

PROMISE_REMINDER_LOCAL_TIME = time(9, 0)


def promise_reminder_time(due_day: datetime, owner: User) -> datetime:
    """09:00 in the owner's own zone on the day before the promise falls due."""
    local = datetime.combine(due_day.date() - timedelta(days=1), PROMISE_REMINDER_LOCAL_TIME,
                             tzinfo=ZoneInfo(owner.timezone or "UTC"))
    return local.astimezone(UTC)


def plan_promise_reminders(session: Session, note: Note) -> None:
    now = clock.now()
    for promise in note.promises:
        owner = session.get(User, promise.owner_id)
        assert owner is not None
        due = datetime.combine(promise.due, time(0), tzinfo=UTC)
        outbox.plan(session, key=f"promise:{promise.id}", kind="promise_reminder",
                    deal_id=promise.deal_id, due_at=max(now, promise_reminder_time(due, owner)),
                    payload={"promise_id": promise.id})

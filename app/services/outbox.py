"""Due work kept in the database: messages to send and reminders to fire.

Planning writes rows in the caller's transaction, under unique keys, so a retry or a second
scheduler plans nothing twice; the scheduler claims rows with row locks and sends each once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import clock
from app.db.models import DueWork, OutboxMessage


def enqueue(session: Session, *, key: str, kind: str, recipient: str, subject: str, body: str,
            deal_id: int | None = None, ics: str | None = None, method: str | None = None,
            brief_version: int | None = None) -> OutboxMessage | None:
    """Queue one message; a message with the same key is already queued and is kept."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        return None
    message = OutboxMessage(dedupe_key=key, kind=kind, deal_id=deal_id, recipient=recipient,
                            subject=subject[:300], body=body, ics=ics, ics_method=method,
                            brief_version=brief_version)
    session.add(message)
    session.flush()
    return message


def plan(session: Session, *, key: str, kind: str, due_at: datetime, payload: dict[str, Any],
         deal_id: int | None = None, replace: bool = False) -> DueWork:
    """Plan work for a time; with `replace`, a pending plan under the key moves to the new time."""
    existing = session.scalar(select(DueWork).where(DueWork.key == key))
    if existing is not None:
        if replace and existing.status == "pending":
            existing.due_at, existing.payload = due_at, payload
        return existing
    work = DueWork(key=key, kind=kind, deal_id=deal_id, due_at=due_at, payload=payload)
    session.add(work)
    session.flush()
    return work


def cancel_due_work(session: Session, keys: Sequence[str]) -> None:
    session.execute(update(DueWork).where(DueWork.key.in_(keys), DueWork.status == "pending")
                    .values(status="cancelled", done_at=clock.now()))


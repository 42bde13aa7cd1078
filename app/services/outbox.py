"""Due work kept in the database: messages to send and reminders to fire.

Planning writes rows in the caller's transaction, under unique keys, so a retry or a second
scheduler plans nothing twice; the scheduler claims rows with row locks and sends each once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
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


@dataclass(frozen=True)
class Message:
    """One message to queue with :func:`enqueue_all` (the fields of :func:`enqueue`)."""

    key: str
    kind: str
    recipient: str
    subject: str
    body: str
    deal_id: int | None = None
    ics: str | None = None
    method: str | None = None
    brief_version: int | None = None


def enqueue_all(session: Session, messages: Sequence[Message]) -> int:
    """Queue several messages, as :func:`enqueue` does one by one, with one look-up of their keys
    and one bulk insert; returns how many were new. Nothing needs their rows afterwards, so they
    are inserted without reading back their ids."""
    keys = {m.key for m in messages}
    seen = set(session.scalars(select(OutboxMessage.dedupe_key)
                               .where(OutboxMessage.dedupe_key.in_(keys)))) if keys else set()
    rows = []
    for m in messages:
        if m.key not in seen:
            seen.add(m.key)
            rows.append({"dedupe_key": m.key, "kind": m.kind, "deal_id": m.deal_id,
                         "recipient": m.recipient, "subject": m.subject[:300], "body": m.body,
                         "ics": m.ics, "ics_method": m.method, "brief_version": m.brief_version})
    if rows:
        session.execute(insert(OutboxMessage), rows)
    return len(rows)


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


@dataclass(frozen=True)
class Plan:
    """Work to plan with :func:`plan_all` (the fields of :func:`plan`)."""

    key: str
    kind: str
    due_at: datetime
    payload: dict[str, Any]
    deal_id: int | None = None
    replace: bool = False


def plan_all(session: Session, plans: Sequence[Plan]) -> None:
    """Plan several pieces of work, as :func:`plan` does one by one, with one look-up of their
    keys and one bulk insert of the new ones."""
    keys = {p.key for p in plans}
    existing = {work.key: work for work in session.scalars(
        select(DueWork).where(DueWork.key.in_(keys)))} if keys else {}
    new: set[str] = set()
    rows = []
    for p in plans:
        work = existing.get(p.key)
        if work is not None:
            if p.replace and work.status == "pending":
                work.due_at, work.payload = p.due_at, p.payload
            continue
        if p.key in new:
            continue  # a key given twice keeps its first plan
        new.add(p.key)
        rows.append({"key": p.key, "kind": p.kind, "deal_id": p.deal_id, "due_at": p.due_at,
                     "payload": p.payload})
    if rows:
        session.execute(insert(DueWork), rows)


def cancel_due_work(session: Session, keys: Sequence[str]) -> None:
    session.execute(update(DueWork).where(DueWork.key.in_(keys), DueWork.status == "pending")
                    .values(status="cancelled", done_at=clock.now()))


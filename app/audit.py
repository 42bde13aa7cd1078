"""The append-only, hash-chained log of every change.

Each event stores the hash of the one before it and its own hash over its content, so editing,
inserting or deleting any event breaks the chain at that point. Appends lock the single head row,
which serialises them: two transactions can never both extend the same head.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from app import clock
from app.db.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def event_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the event's canonical JSON."""
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _payload(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(),
        "actor_id": event.actor_id,
        "action": event.action,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "data": event.data,
    }


_HEAD = AuditHead.__table__
_EVENTS = AuditEvent.__table__
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_EVENT_FIELDS = ("seq", "at", "actor_id", "action", "entity", "entity_id", "data",
                 "prev_hash", "hash")
_APPEND = insert(_EVENTS).values({name: bindparam(f"event_{name}") for name in _EVENT_FIELDS})
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(seq=bindparam("event_seq"),
                                                        hash=bindparam("event_hash"))
_APPENDED = _APPEND.returning(_EVENTS.c.id).cte("appended")
_APPEND_AND_MOVE_HEAD = _MOVE_HEAD.add_cte(_APPENDED).returning(
    select(_APPENDED.c.id).scalar_subquery())


def _locked_head(session: Session) -> tuple[int, str]:
    """The head's sequence number and hash, locked until the transaction ends."""
    conn = session.connection()
    head = conn.execute(_LOCK_HEAD).first()
    if head is None:
        conn.execute(insert(_HEAD).values(id=1, seq=0, hash=GENESIS))
        return 0, GENESIS
    return int(head.seq), str(head.hash)


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity: str,
    entity_id: object,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits with the change it describes).

    Three statements on the session's connection (lock the head, insert, move the head): every
    change of Handoff writes one, many times a second when orders are checked."""
    seq, prev_hash = _locked_head(session)
    event = AuditEvent(
        seq=seq + 1,
        at=(at or clock.now()).astimezone(UTC),
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        data=_json_safe(data or {}),
        prev_hash=prev_hash,
    )
    event.hash = event_hash(prev_hash, _payload(event))
    conn = session.connection()
    values = {f"event_{name}": getattr(event, name) for name in _EVENT_FIELDS}
    if conn.dialect.name == "postgresql":
        # The event and the head move in one statement: one round trip less while the head
        # is locked, which every change in Handoff waits for.
        event.id = conn.execute(_APPEND_AND_MOVE_HEAD, values).scalar_one()
    else:
        event.id = conn.execute(_APPEND.returning(_EVENTS.c.id), values).scalar_one()
        conn.execute(_MOVE_HEAD, values)
    return event


@dataclass(frozen=True)
class Verification:
    """`events` is how many events checked out; `total` (when broken) the size of the log."""

    ok: bool
    events: int
    head: str
    first_bad_event: int | None = None
    reason: str = ""
    total: int | None = None

    def as_json(self) -> dict[str, Any]:
        # The SPEC's "events" is the size of the whole log, broken or not.
        events = self.events if self.total is None else self.total
        body: dict[str, Any] = {"ok": self.ok, "events": events, "head": self.head}
        if not self.ok:
            body.update(first_bad_event=self.first_bad_event, reason=self.reason)
        return body


def _check_event(event: AuditEvent, expected_seq: int, prev_hash: str) -> str | None:
    if event.seq != expected_seq:
        return f"event {expected_seq} is missing (found {event.seq} next)"
    if event.prev_hash != prev_hash:
        return "its link to the previous event does not match"
    if event.hash != event_hash(prev_hash, _payload(event)):
        return "its content does not match its hash"
    return None


def verify(session: Session) -> Verification:
    """Recompute the whole chain and name the first event that does not fit."""
    prev, seq = GENESIS, 0
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq).execution_options(
        yield_per=2000
    ))
    for event in events:
        problem = _check_event(event, seq + 1, prev)
        if problem:
            return Verification(False, seq, prev, first_bad_event=seq + 1, reason=problem,
                                total=count(session))
        prev, seq = event.hash, event.seq
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq, head.hash) != (seq, prev):
        return Verification(
            False, seq, prev, first_bad_event=seq + 1,
            reason=f"the log ends at event {seq} but the head records event {head.seq}",
        )
    return Verification(True, seq, prev)


def head_hash(session: Session) -> str:
    """The hash of the newest event, for anchoring outside Handoff."""
    head = session.get(AuditHead, 1)
    return head.hash if head else GENESIS


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)

"""Reading the audit log and verifying its chain: for managers and admins."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.db.models import AuditEvent, User
from app.errors import NotFound
from app.policy import require
from app.services.paging import Page, paginate

FILTERS = ("entity", "entity_id", "action")


def events(session: Session, actor: User, filters: dict[str, str | None], page: int,
           per_page: int) -> Page[AuditEvent]:
    """Events, newest first, matching every filter given (entity, entity_id, action)."""
    require(actor, "audit.read")
    query = select(AuditEvent).order_by(AuditEvent.seq.desc())
    for name in FILTERS:
        if filters.get(name):
            query = query.where(getattr(AuditEvent, name) == filters[name])
    return paginate(session, query, page, per_page)


def event(session: Session, actor: User, seq: int) -> AuditEvent:
    require(actor, "audit.read")
    found = session.scalar(select(AuditEvent).where(AuditEvent.seq == seq))
    if found is None:
        raise NotFound(f"There is no audit event {seq}.")
    return found


def verify(session: Session, actor: User) -> audit.Verification:
    require(actor, "audit.read")
    return audit.verify(session)

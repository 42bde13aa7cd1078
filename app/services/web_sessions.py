"""Browser sessions: started at sign-in, ended at sign-out, checked on every page."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit, clock
from app.db.models import User, WebSession
from app.db.session import unit_of_work
from app.services.users import hash_token, user_by_email, verify_password

LIFETIME = timedelta(hours=12)
log = logging.getLogger(__name__)


def sign_in(session: Session, email: str, password: str, ip: str, user_agent: str)\
        -> str | None:
    """A new session token for the right email and password, or None (which of the two was
    wrong is not told)."""
    user = user_by_email(session, email)
    if not verify_password(user, password) or user is None or not user.active:
        # Neither the email typed nor the password: people type passwords into the wrong field.
        log.warning("sign-in refused", extra={"ip": ip[:64], "user_id": user.id if user else None})
        return None
    token = secrets.token_urlsafe(32)
    with unit_of_work(session):
        session.add(WebSession(token_hash=hash_token(token), user_id=user.id,
                               ip=ip[:64], user_agent=user_agent[:400]))
        audit.record(session, actor_id=user.id, action="user.signed_in", entity="user",
                     entity_id=user.id, data={"ip": ip[:64]})
    log.info("signed in", extra={"user_id": user.id, "ip": ip[:64]})
    return token


def _live(session: Session, token: str) -> WebSession | None:
    row = session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
    if row is None or row.ended_at is not None or not row.user.active:
        return None
    if clock.now() - row.created_at > LIFETIME:
        return None
    return row


def user_for(session: Session, token: str) -> User | None:
    """The user of a live session: not signed out, not expired, still active."""
    row = _live(session, token)
    return row.user if row is not None else None


def sign_out(session: Session, token: str) -> None:
    """End the session on the server, so its cookie is worthless from now on."""
    row = _live(session, token)
    if row is None:
        return
    with unit_of_work(session):
        row.ended_at = clock.now()
        audit.record(session, actor_id=row.user_id, action="user.signed_out", entity="user",
                     entity_id=row.user_id, data={})

"""People who use Handoff: accounts, API tokens, working hours and busy time."""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app import audit, clock
from app.db.models import ApiToken, BusyBlock, User
from app.db.session import unit_of_work
from app.errors import AlreadyExists, InvalidInput, NotFound
from app.policy import ROLES, require
from app.services.paging import Page, paginate
from kickoff.availability import busy_from_ics, parse_working_hours, working_hours_to_json
from kickoff.intervals import Interval

TOKEN_PREFIX = "hnd_"  # noqa: S105 - a visible prefix, not a secret
_hasher = PasswordHasher()


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough; passwords get argon2.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """True when the password is the user's. Without a user, a hash is still checked, so the
    answer takes as long whether or not the email is known."""
    stored = user.password_hash if user is not None else None
    try:
        return _hasher.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_hex(16))


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    return user


def read_user(session: Session, actor: User, user_id: int) -> User:
    """A user's profile: for admins, managers and the user themself."""
    user = get_user(session, user_id)
    require(actor, "users.read", subject=user)
    return user


# Every API request asks this first: one statement, built once.
_USER_FOR_TOKEN = select(User).join(ApiToken, ApiToken.user_id == User.id).where(
    ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
    User.active.is_(True))


def user_for_token(session: Session, token: str) -> User | None:
    """The active user an unrevoked API token belongs to, if any."""
    return session.scalar(_USER_FOR_TOKEN, {"token_hash": hash_token(token)})


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def _check_roles(roles: Sequence[str]) -> list[str]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise InvalidInput.field(
            "roles", f"Roles must be one or more of {', '.join(ROLES)}; got {list(roles)}."
        )
    return sorted(set(roles), key=ROLES.index)


def _insert_user(session: Session, data: dict[str, Any]) -> User:
    email = data["email"].strip().lower()
    if user_by_email(session, email) is not None:
        raise AlreadyExists(
            f"A user with email {email} already exists.", {"email": ["This email is taken."]}
        )
    password = data.get("password")
    user = User(
        email=email,
        name=data["name"].strip(),
        roles=_check_roles(data.get("roles", [])),
        timezone=data.get("timezone") or "UTC",
        country=data.get("country"),
        password_hash=hash_password(password) if password else None,
        feed_token=secrets.token_urlsafe(24),
    )
    session.add(user)
    session.flush()
    return user


def _public(user: User) -> dict[str, Any]:
    return {"email": user.email, "name": user.name, "roles": user.roles,
            "timezone": user.timezone, "country": user.country}


def create_user(session: Session, actor: User | None, data: dict[str, Any]) -> User:
    """Create a user; `actor` None means the command line, which needs no permission."""
    if actor is not None:
        require(actor, "users.manage")
    with unit_of_work(session):
        user = _insert_user(session, data)
        audit.record(session, actor_id=actor.id if actor else None, action="user.created",
                     entity="user", entity_id=user.id, data=_public(user))
    return user


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def _new_token(session: Session, user: User, label: str) -> IssuedToken:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=hash_token(secret), prefix=secret[:10],
                   label=label)
    session.add(row)
    session.flush()
    return IssuedToken(row, secret)


def issue_token(session: Session, actor: User | None, user_id: int, label: str = "") -> IssuedToken:
    """A new API token for a user; its secret is returned once and only its hash is kept."""
    user = get_user(session, user_id)
    if actor is not None:
        require(actor, "users.token", subject=user)
    with unit_of_work(session):
        issued = _new_token(session, user, label)
        audit.record(session, actor_id=actor.id if actor else None, action="token.issued",
                     entity="user", entity_id=user.id,
                     data={"token_id": issued.token.id, "prefix": issued.token.prefix,
                           "label": label})
    return issued


def revoke_token(session: Session, actor: User, user_id: int, token_id: int) -> ApiToken:
    user = get_user(session, user_id)
    require(actor, "users.token", subject=user)
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(f"User {user_id} has no token {token_id}.")
    with unit_of_work(session):
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            audit.record(session, actor_id=actor.id, action="token.revoked", entity="user",
                         entity_id=user.id, data={"token_id": token.id})
    return token


def list_users(session: Session, actor: User, page: int, per_page: int) -> Page[User]:
    require(actor, "users.read")
    return paginate(session, select(User).order_by(User.id), page, per_page)


def set_availability(session: Session, actor: User, user_id: int, data: dict[str, Any]) -> User:
    """Working hours by weekday in the user's own time zone, and their holiday country."""
    user = get_user(session, user_id)
    require(actor, "users.availability", subject=user)
    hours = parse_working_hours(data.get("working_hours") or {})
    with unit_of_work(session):
        user.timezone = data.get("timezone") or user.timezone
        if "country" in data:
            user.country = data["country"]
        user.working_hours = working_hours_to_json(hours)
        audit.record(session, actor_id=actor.id, action="availability.set", entity="user",
                     entity_id=user.id, data={"timezone": user.timezone, "country": user.country,
                                               "working_hours": user.working_hours})
        _after_availability_change(session, user)
    return user


def add_busy_blocks(
    session: Session, actor: User, user_id: int, blocks: Sequence[tuple[Interval, str]],
    source: str,
) -> list[BusyBlock]:
    """Record busy time (from JSON or an .ics file); a kickoff it collides with is moved."""
    user = get_user(session, user_id)
    require(actor, "users.availability", subject=user)
    if not blocks:
        raise InvalidInput.field("blocks", "No busy time was given.")
    with unit_of_work(session):
        rows = [BusyBlock(user_id=user.id, start=iv.start, end=iv.end, label=label[:200],
                          source=source) for iv, label in blocks]
        session.add_all(rows)
        session.flush()
        audit.record(session, actor_id=actor.id, action="busy.added", entity="user",
                     entity_id=user.id, data={"count": len(rows), "source": source,
                                               "first": rows[0].start, "last": rows[-1].end})
        _after_availability_change(session, user, added_busy=[iv for iv, _ in blocks])
    return rows


def add_busy_from_ics(session: Session, actor: User, user_id: int, data: bytes)\
        -> list[BusyBlock]:
    """Busy time from an iCalendar upload, read in the user's time zone, from now on (a weekly
    meeting that began years ago blocks the weeks ahead)."""
    user = get_user(session, user_id)
    require(actor, "users.availability", subject=user)
    blocks = busy_from_ics(data, timezone=user.timezone, since=clock.now())
    if not blocks:
        raise InvalidInput.field("file", "The calendar holds no busy time from now on.")
    return add_busy_blocks(session, actor, user_id, blocks, "ics")


def _after_availability_change(session: Session, user: User,
                               added_busy: Sequence[Interval] | None = None) -> None:
    from app.services.kickoffs import reschedule_if_broken_for

    reschedule_if_broken_for(session, user, added_busy)

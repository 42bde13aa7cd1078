"""Idempotency-Key on creating POSTs: a retried request gets the first answer, not a second
record. Keys belong to the caller; a key reused with another body is refused.

The key is claimed in a transaction of its own, so a duplicate arriving meanwhile finds it. The
work and the answer stored under the key then commit together, in one transaction: a request
whose process dies midway leaves neither, only its claim, which the next attempt takes over.
On PostgreSQL the running request holds a lock on its claim, so "still running" (409) and
"died" (take over at once) are told apart exactly; on SQLite (one machine, development) a
claim left unfinished for ABANDONED_AFTER is taken to be dead.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Response, make_response, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from app import clock
from app.api.auth import current_actor
from app.db.models import IdempotencyKey
from app.db.session import commit_deferred
from app.errors import InvalidInput, RequestInProgress
from app.extensions import db

log = logging.getLogger(__name__)

KEPT_HEADERS = ("Content-Type", "Location", "ETag")
# Longer than any request may run (gunicorn kills a worker stuck for 30 s).
ABANDONED_AFTER = timedelta(minutes=5)
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for NOWAIT meeting a held lock


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.content_type or ""):
        digest.update(part.encode() + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _on_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _row(user_id: int, key: str) -> IdempotencyKey | None:
    return db.session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))


def _claim(user_id: int, key: str, fingerprint: str) -> IdempotencyKey | None:
    """Insert the key as in progress; return the earlier row if the key is taken. (Looking
    first keeps a duplicate from queueing behind the running request's lock on PostgreSQL.)"""
    earlier = _row(user_id, key)
    if earlier is not None:
        return earlier
    db.session.add(IdempotencyKey(user_id=user_id, key=key, request_hash=fingerprint))
    try:
        db.session.commit()
        return None
    except IntegrityError:
        db.session.rollback()
    return _row(user_id, key)


def _replay(row: IdempotencyKey) -> Response:
    response = Response(row.response_body or "", status=row.status_code)
    for name, value in (row.response_headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _lock_for_work(user_id: int, key: str) -> bool:
    """Hold our fresh claim for the length of the work (PostgreSQL row lock). False when a
    retry that found it unheld has finished it meanwhile."""
    if not _on_postgres():
        return True
    held = db.session.execute(update(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key,
        IdempotencyKey.status_code.is_(None)).values(created_at=clock.now()))
    return bool(held.rowcount)  # type: ignore[attr-defined]


def _take_over(row: IdempotencyKey) -> bool:
    """Take an unfinished claim whose request died; False while that request still runs."""
    if _on_postgres():
        try:
            locked = db.session.scalar(select(IdempotencyKey).where(
                IdempotencyKey.id == row.id).with_for_update(nowait=True)
                .execution_options(populate_existing=True))
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            db.session.rollback()  # its lock is held: the first request is still at work
            return False
        return locked is not None and locked.status_code is None
    # Taking it makes it young again, so of two retries racing for it only one succeeds.
    taken = db.session.execute(update(IdempotencyKey).where(
        IdempotencyKey.id == row.id, IdempotencyKey.status_code.is_(None),
        IdempotencyKey.created_at <= clock.now() - ABANDONED_AFTER)
        .values(created_at=clock.now()))
    return bool(taken.rowcount)  # type: ignore[attr-defined]


def _answer_earlier(user_id: int, key: str, row: IdempotencyKey, fingerprint: str)\
        -> Response | None:
    """The stored answer for a key seen before, or None when this request should do the work
    (the earlier one died before finishing)."""
    if row.request_hash != fingerprint:
        raise InvalidInput.field("Idempotency-Key", "This key was already used for a different "
                                 "request; use a new key for a new request.")
    if row.status_code is not None:
        return _replay(row)
    if _take_over(row):
        log.warning("taking over an idempotent request that did not finish",
                    extra={"user_id": user_id})
        return None
    finished = _row(user_id, key)
    if finished is not None and finished.status_code is not None:
        return _replay(finished)
    raise RequestInProgress("A request with this Idempotency-Key is still in progress.")


def _store_answer(user_id: int, key: str, response: Response) -> None:
    db.session.execute(update(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key).values(
        status_code=response.status_code, response_body=response.get_data(as_text=True),
        response_headers={h: response.headers[h] for h in KEPT_HEADERS
                          if h in response.headers}))


def _forget(user_id: int, key: str) -> None:
    """Release the key so the request can be sent again; if the database is away the claim
    stays, and the next attempt takes it over."""
    try:
        db.session.rollback()
        db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                        IdempotencyKey.key == key,
                                                        IdempotencyKey.status_code.is_(None)))
        db.session.commit()
    except SQLAlchemyError:
        log.warning("could not release an idempotency key", exc_info=True)
        db.session.rollback()


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Make a creating POST safe to retry with an Idempotency-Key header."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return view(*args, **kwargs)
        if len(key) > 200:
            raise InvalidInput.field("Idempotency-Key", "Must be at most 200 characters.")
        actor = current_actor()
        user_id = actor.id
        fingerprint = _fingerprint()
        earlier = _claim(user_id, key, fingerprint)
        if earlier is not None:
            answer = _answer_earlier(user_id, key, earlier, fingerprint)
            if answer is not None:
                return answer
        elif not _lock_for_work(user_id, key):
            # A retry took our claim over while we were starting: its answer is the answer.
            db.session.rollback()
            finished = _row(user_id, key)
            if finished is None or finished.status_code is None:
                raise RequestInProgress("A request with this Idempotency-Key is being "
                                        "processed; send it again in a moment.")
            return _replay(finished)
        with commit_deferred(db.session):
            try:
                response = make_response(view(*args, **kwargs))
                succeeded = 200 <= response.status_code < 300
                if succeeded:
                    _store_answer(user_id, key, response)
                db.session.commit()
            except BaseException:
                # Safe even if the commit went through before failing: a key that holds its
                # answer is never released.
                _forget(user_id, key)
                raise
        if not succeeded:
            _forget(user_id, key)  # a refusal does not use up its key
        return response

    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper

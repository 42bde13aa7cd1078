"""Idempotency-Key on creating POSTs: a retried request gets the first answer, not a second
record. Keys belong to the caller; a key reused with another body is refused."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, make_response, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.api.auth import current_actor
from app.db.models import IdempotencyKey
from app.errors import InvalidInput, RequestInProgress
from app.extensions import db

KEPT_HEADERS = ("Content-Type", "Location", "ETag")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.content_type or ""):
        digest.update(part.encode() + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _claim(user_id: int, key: str, fingerprint: str) -> IdempotencyKey | None:
    """Insert the key as in progress; return the earlier row if the key is taken."""
    db.session.add(IdempotencyKey(user_id=user_id, key=key, request_hash=fingerprint))
    try:
        db.session.commit()
        return None
    except IntegrityError:
        db.session.rollback()
    return db.session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))


def _replay(row: IdempotencyKey, fingerprint: str) -> Response:
    if row.request_hash != fingerprint:
        raise InvalidInput.field("Idempotency-Key", "This key was already used for a different "
                                 "request; use a new key for a new request.")
    if row.status_code is None:
        raise RequestInProgress("A request with this Idempotency-Key is still in progress.")
    response = Response(row.response_body or "", status=row.status_code)
    for name, value in (row.response_headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _forget(user_id: int, key: str) -> None:
    db.session.rollback()
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                    IdempotencyKey.key == key))
    db.session.commit()


def _remember(user_id: int, key: str, response: Response) -> None:
    row = db.session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
    if row is None:
        return
    row.status_code = response.status_code
    row.response_body = response.get_data(as_text=True)
    row.response_headers = {h: response.headers[h] for h in KEPT_HEADERS if h in response.headers}
    db.session.commit()


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
        fingerprint = _fingerprint()
        earlier = _claim(actor.id, key, fingerprint)
        if earlier is not None:
            return _replay(earlier, fingerprint)
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            _forget(actor.id, key)
            raise
        if 200 <= response.status_code < 300:
            _remember(actor.id, key, response)
        else:
            _forget(actor.id, key)
        return response

    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper


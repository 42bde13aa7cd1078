"""The one edge where every error becomes RFC 9457 problem details."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json, request
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from app.errors import HandoffError
from app.intake.errors import IntakeError
from app.logs import redact
from kickoff.errors import AvailabilityInvalid, KickoffError
from terms.errors import TermsError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str = "",
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem-details response; `errors` maps field paths to messages."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body["instance"] = request.path
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into {"terms.0.params.price": ["..."]}."""
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "body": list(messages)}
    flat: dict[str, list[str]] = {}
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    for key, value in items:
        name = f"{prefix}.{key}" if prefix else str(key)
        if key == "_schema":
            # marshmallow's name for "the object as a whole": name the object instead.
            name = prefix or "body"
        for path, msgs in flatten_messages(value, name).items():
            flat.setdefault(path, []).extend(msgs)
    return flat


def _webargs_errors(exc: HTTPException) -> dict[str, list[str]]:
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or {}
    flat: dict[str, list[str]] = {}
    # webargs nests by location ("json", "query", "files"); the field path is what people need.
    for location_messages in messages.values():
        flat.update(flatten_messages(location_messages))
    return flat


def _summary(errors: dict[str, list[str]]) -> str:
    first = next(iter(errors.items()), None)
    return f"{first[0]}: {first[1][0]}" if first else ""


def handle_handoff_error(exc: HandoffError) -> Response:
    headers = dict(exc.headers)
    if exc.status == 401:
        # RFC 9110: a 401 says which scheme would be accepted.
        headers.setdefault("WWW-Authenticate", 'Bearer realm="handoff"')
    return problem(exc.status, exc.title, exc.detail, exc.errors or None, headers or None)


def handle_domain_error(exc: TermsError | KickoffError) -> Response:
    errors: dict[str, list[str]] = getattr(exc, "errors", {}) or {}
    return problem(422, "Invalid input", _summary(errors) or str(exc), errors or None)


def handle_intake_error(exc: IntakeError) -> Response:
    title = {400: "Unreadable document", 415: "Unsupported format"}.get(exc.status,
                                                                          "Invalid input")
    return problem(exc.status, title, exc.message, exc.errors or None)


def handle_validation_error(exc: ValidationError) -> Response:
    errors = flatten_messages(exc.messages)
    return problem(422, "Invalid input", _summary(errors), errors or None)


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status == 422:
        errors = _webargs_errors(exc)
        return problem(422, "Invalid input", _summary(errors), errors or None)
    headers = dict(getattr(exc, "data", {}).get("headers", {}) or {})
    if status == 405:
        headers["Allow"] = ", ".join(exc.valid_methods or []) if hasattr(exc, "valid_methods") \
            else headers.get("Allow", "")
    detail = exc.description if status != 500 else ""
    return problem(status, exc.name, detail or "", headers=headers or None)


def handle_unexpected(exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, redact(request.path))
    return problem(500, "Internal error", "Something went wrong on our side; nothing was saved.")


RETRY_AFTER_SECONDS = 2


def _database_is_away(exc: Exception) -> bool:
    """The database could not be reached or dropped the connection (a restart, a fail-over,
    a full pool), as opposed to refusing what was asked of it."""
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def handle_database_error(exc: Exception) -> Response:
    """503 with Retry-After while the database is away: the caller may try again, and with
    the same Idempotency-Key a write is carried out at most once."""
    if not _database_is_away(exc):
        return handle_unexpected(exc)
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection is gone already; the pool replaces it
        log.debug("rollback after a lost database connection failed", exc_info=True)
    log.warning("database unavailable on %s %s: %s", request.method, redact(request.path),
                type(getattr(exc, "orig", None) or exc).__name__)
    return problem(503, "Service unavailable",
                   "The database is not answering just now. Try again in a moment; a request "
                   "sent again with the same Idempotency-Key is carried out at most once.",
                   headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def register_error_handlers(app: Flask) -> None:
    """Installed after flask-smorest so these handlers win."""
    app.register_error_handler(HandoffError, handle_handoff_error)
    app.register_error_handler(TermsError, handle_domain_error)
    app.register_error_handler(AvailabilityInvalid, handle_domain_error)
    app.register_error_handler(KickoffError, handle_domain_error)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(IntakeError, handle_intake_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(PoolTimeout, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected)

"""Structured logs: one JSON object a line, each carrying the id of the request it belongs to.

A request's id is the caller's `X-Request-ID` when it is a sensible token, else a new one; it is
echoed in the response, so a person reporting a problem can quote it and the lines of that
request can be found in every process's log. Secrets never reach a log line: paths that carry a
calendar feed token are shortened, and anything that looks like an API token or a bearer
credential is blotted out of every message.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

from flask import g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# Ids from a caller (a proxy, a client) are kept when they are short and of plain characters:
# anything else would let a caller write what it likes into the logs.
_ACCEPTABLE_ID = re.compile(r"[A-Za-z0-9._:@+=-]{1,128}")

# What a secret looks like wherever it might be quoted: an API token, a bearer credential, a
# calendar feed address.
_SECRETS = (
    (re.compile(r"hnd_[A-Za-z0-9_-]{8,}"), "hnd_[redacted]"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 [redacted]"),
    (re.compile(r"(/calendar/)[^/?#\s]+(\.ics)"), r"\1[redacted]\2"),
)


def redact(text: str) -> str:
    """The text with every token-like secret blotted out."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


# The id also outlives the request context by a little: the lines written while the request's
# database session is closed (after the request context has gone) still belong to it.
_current_request_id: ContextVar[str | None] = ContextVar("handoff_request_id", default=None)


def request_id() -> str:
    """The id of the current request: the caller's X-Request-ID if acceptable, else a new one."""
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "").strip()
        g.request_id = given if _ACCEPTABLE_ID.fullmatch(given) else uuid.uuid4().hex
        _current_request_id.set(g.request_id)
    return str(g.request_id)


def end_request_logging(_exc: BaseException | None = None) -> None:
    """After the last line of a request (the app context's teardown): forget its id."""
    _current_request_id.set(None)


class RequestContext(logging.Filter):
    """Stamps each line with its request's id, and blots secrets out of its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            current = request_id() if has_request_context() else _current_request_id.get()
            if current is not None:
                record.request_id = current
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class HandoffJsonFormatter(JsonFormatter):
    """time (UTC, ISO 8601), level, logger, message, then any extra fields."""

    def __init__(self) -> None:
        super().__init__("{asctime}{levelname}{name}{message}", style="{",
                         rename_fields={"asctime": "time", "levelname": "level",
                                        "name": "logger"})

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def formatException(self, ei: Any) -> str:
        return redact(super().formatException(ei))


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.__dict__.setdefault("request_id", "-")
        return super().format(record)


class _StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    @property  # type: ignore[override]
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _value: IO[str]) -> None:
        pass


def make_handler(stream: IO[str] | None = None, fmt: str = "json") -> logging.Handler:
    """A handler writing Handoff's log lines (JSON, or text for a person at a terminal)."""
    handler = logging.StreamHandler(stream) if stream is not None else _StandardError()
    handler.setFormatter(HandoffJsonFormatter() if fmt == "json" else _TextFormatter(TEXT_FORMAT))
    handler.addFilter(RequestContext())
    handler._handoff = True  # type: ignore[attr-defined]
    return handler


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Send every logger's lines through one Handoff handler on the root logger (once)."""
    root = logging.getLogger()
    if not any(getattr(h, "_handoff", False) for h in root.handlers):
        root.addHandler(make_handler(fmt=fmt))
    root.setLevel(level)
    # Alembic announces each of its plugins at INFO whenever it is loaded.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

"""The answer to a batch upload, streamed: each order's result is written as it is checked, so
neither the upload nor the answer is ever held whole, however many orders a file has.

The status line (200) goes out before the first order is checked. Should the batch stop half
way (the database gone, say), the orders listed are checked and kept — each chunk is its own
transaction — and the body still ends as valid JSON, with an `error` saying where it stopped.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from typing import IO, Any

from flask import Response, current_app, stream_with_context
from werkzeug.datastructures import FileStorage

from app import exports
from app.db.models import User
from app.extensions import db
from app.intake.batch import BatchItem
from app.services import batches

log = logging.getLogger(__name__)

STOPPED = ("The batch stopped early on our side; the orders listed were checked and kept, "
           "the rest were not read. Send the rest again.")


def _json(value: Any) -> str:
    return current_app.json.dumps(value)


def json_results(actor: User, items: Iterable[BatchItem]) -> Iterator[str]:
    """`{"results": [...], "summary": {...}}`, one result at a time."""
    summary = batches.Summary()
    yield '{"results": ['
    separator = ""
    try:
        for result in batches.check_batch(db.session, actor, items):
            summary.add(result)
            yield separator + _json(result)
            separator = ", "
    except Exception:
        log.exception("batch stopped after %d orders", summary.orders)
        db.session.rollback()
        error = {"title": "Internal error", "status": 500, "detail": STOPPED}
        yield f'], "summary": {_json(summary.as_json())}, "error": {_json(error)}}}'
        return
    yield f'], "summary": {_json(summary.as_json())}}}'


def keep_open(upload: FileStorage) -> IO[bytes]:
    """The uploaded file's stream, taken from the request: the request closes its files when
    its view returns, and the answer reads this one while it is being sent."""
    stream = upload.stream
    upload.stream = io.BytesIO()
    return stream  # type: ignore[return-value]


def streamed(chunks: Iterator[str], mimetype: str) -> Response:
    return Response(stream_with_context(chunks), mimetype=mimetype)


def csv_results(actor: User, items: Iterable[BatchItem]) -> Iterator[str]:
    """The results as CSV, one row per order (cells that look like formulas neutralised); a
    batch that stops early ends with a row saying so."""
    yield exports.csv_line(exports.BATCH_COLUMNS)
    checked = 0
    try:
        for result in batches.check_batch(db.session, actor, items):
            checked += 1
            yield exports.csv_line(exports.batch_row(result))
    except Exception:
        log.exception("batch stopped after %d orders", checked)
        db.session.rollback()
        yield exports.csv_line(["", "", "", "", "", "error", "", "", STOPPED])

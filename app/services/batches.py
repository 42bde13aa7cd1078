"""Many orders at once (CSV or JSON Lines), read as a stream and checked in chunks, each chunk
one transaction, so memory stays flat and a bad row never stops the rest."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import audit
from app.db.models import User
from app.db.session import unit_of_work
from app.intake.batch import BatchItem, detect_format, read_csv, read_jsonl
from app.intake.errors import IntakeError
from app.intake.text import NUL_MESSAGE, nul_path
from app.policy import require
from app.services.checking import Checked, Incoming, check_chunk
from app.services.orders import incoming, result_json
from terms.order import OrderInvalid

CHUNK = 500
READERS: dict[str, Callable[[IO[bytes]], Iterator[BatchItem]]] = {
    "csv": read_csv, "jsonl": read_jsonl}


@dataclass
class Summary:
    orders: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_code: Counter[str] = field(default_factory=Counter)

    def add(self, result: dict[str, Any]) -> None:
        self.orders += 1
        self.by_status[result["status"]] += 1
        self.by_code.update(d["code"] for d in result.get("deviations", []))

    def as_json(self) -> dict[str, Any]:
        return {"orders": self.orders, "by_status": dict(self.by_status),
                "by_code": dict(sorted(self.by_code.items()))}


def items_from(stream: IO[bytes], filename: str | None, content_type: str | None)\
        -> Iterator[BatchItem]:
    head = stream.peek(512)[:512] if hasattr(stream, "peek") else b""
    kind = detect_format(filename, content_type, head)
    if kind not in READERS:
        raise IntakeError("A batch is CSV or JSON Lines; send a single UBL order to "
                          "/api/v1/orders/check.", {"file": ["Not CSV or JSON Lines."]})
    return _without_nul(READERS[kind](stream))


def _without_nul(items: Iterator[BatchItem]) -> Iterator[BatchItem]:
    """An order holding a NUL character is an error of its own: no record can store it."""
    for item in items:
        found = nul_path(item.order) if item.order is not None else None
        if found is None:
            yield item
        else:
            yield BatchItem(item.index, None, {found or "order": [NUL_MESSAGE]})


def _read(item: BatchItem) -> Incoming | dict[str, Any]:
    """The order of an item, or the result of an item that cannot be checked."""
    if item.order is None:
        return {"index": item.index, "status": "invalid", "errors": item.errors}
    try:
        return incoming(item.order, "batch")
    except OrderInvalid as exc:
        return {"index": item.index, "status": "invalid", "errors": exc.errors,
                "po_number": item.order.get("po_number")}


def _chunks(items: Iterable[BatchItem]) -> Iterator[list[BatchItem]]:
    chunk: list[BatchItem] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def check_batch(session: Session, actor: User, items: Iterable[BatchItem])\
        -> Iterator[dict[str, Any]]:
    """Check each order and yield its result as it is stored: a chunk at a time, each chunk
    one transaction with one audit event. An order that cannot be read is reported, never
    stored, and the rest are still checked."""
    require(actor, "orders.check")
    for chunk in _chunks(items):
        with _no_cycle_collection():
            read = [_read(item) for item in chunk]
            orders = [each for each in read if isinstance(each, Incoming)]
            checked = iter(_check_chunk(session, actor, orders) if orders else [])
        for item, each in zip(chunk, read, strict=True):
            yield each if isinstance(each, dict) else {"index": item.index,
                                                       **result_json(next(checked))}


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector stays off while a chunk is checked: a chunk makes tens of
    thousands of short-lived objects, which reference counting frees, and each collection on
    the way would also walk every long-lived object (the cached terms of thousands of deals) —
    a quarter of a batch's time. Whatever cycles a chunk leaves are collected after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check_chunk(session: Session, actor: User, orders: list[Incoming]) -> list[Checked]:
    for attempt in (1, 2):
        try:
            with unit_of_work(session):
                checked = check_chunk(session, actor, orders)
                audit.record(session, actor_id=actor.id, action="orders.batch_checked",
                             entity="order", entity_id=checked[0].order_id, data={
                                 "orders": [[c.order_id, c.check_id, c.status]
                                            for c in checked]})
            return checked
        except IntegrityError:
            # A concurrent check made one of these orders meanwhile: now it is a re-check.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")

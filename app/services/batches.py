"""Many orders at once (CSV or JSON Lines), read as a stream and checked in chunks, each chunk
one transaction, so memory stays flat and a bad row never stops the rest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy.orm import Session

from app import audit
from app.db.models import User
from app.db.session import unit_of_work
from app.intake.batch import BatchItem, detect_format, read_csv, read_jsonl
from app.intake.errors import IntakeError
from app.intake.text import NUL_MESSAGE, nul_path
from app.policy import require
from app.services.orders import check_one
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


def _one(session: Session, actor: User, item: BatchItem) -> dict[str, Any]:
    if item.order is None:
        return {"index": item.index, "status": "invalid", "errors": item.errors}
    try:
        with session.begin_nested():
            result = check_one(session, actor, item.order, "batch")
    except OrderInvalid as exc:
        return {"index": item.index, "status": "invalid", "errors": exc.errors,
                "po_number": item.order.get("po_number")}
    return {"index": item.index, **result.as_json()}


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
    """Check each order and yield its result as it is stored."""
    require(actor, "orders.check")
    for chunk in _chunks(items):
        with unit_of_work(session):
            results = [_one(session, actor, item) for item in chunk]
            checked = [r for r in results if "order_id" in r]
            if checked:
                audit.record(session, actor_id=actor.id, action="orders.batch_checked",
                             entity="order", entity_id=checked[0]["order_id"], data={
                                 "orders": [[r["order_id"], r["check_id"], r["status"]]
                                            for r in checked]})
        yield from results

"""A batch chunk is stored the same whether its rows go in by COPY (PostgreSQL, many rows) or
by INSERT: the same orders, checks, deviations and cap usage."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from sqlalchemy import text

from app.extensions import db
from app.services import checking
from tests.api.builders import make_products, make_world, spec_terms
from tests.api.order_builders import line, new_deal, order_for
from tests.conftest import ON_POSTGRES

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="COPY is PostgreSQL's; SQLite always "
                                "inserts, which every other batch test covers")

ORDERS = 90  # above checking.COPY_FROM_ROWS, so the chunk's rows are many enough to copy


def _batch(deal_id: int) -> bytes:
    orders = []
    for n in range(ORDERS):
        price = "10.00" if n % 7 == 0 else "9.00"  # one in seven above the agreed tier
        orders.append(order_for(deal_id, po_number=f"PO-{n % 80}",  # the last ten re-checked
                                lines=[line("A-100", 100 + n % 3 * 5, price),
                                       line("WARR-EXT", 1, "150.00") if n % 11 == 0
                                       else line("B-200", 2, "40.00")]))
    return "\n".join(json.dumps(o) for o in orders).encode()


def _stored(deal_id: int) -> list[Any]:
    rows = db.session.execute(text(
        "SELECT o.po_number, o.status, o.source, o.decision, c.status, c.terms_version, "
        "d.code, d.severity, d.line, d.field, d.expected, d.actual, "
        "(SELECT sum(quantity) FROM cap_usage u WHERE u.order_id = o.id), "
        "(SELECT sum(amount) FROM cap_usage u WHERE u.order_id = o.id) "
        "FROM orders o JOIN order_checks c ON c.order_id = o.id "
        "LEFT JOIN order_deviations d ON d.check_id = c.id WHERE o.deal_id = :deal "
        "ORDER BY o.po_number, c.id, d.id"), {"deal": deal_id})
    return [tuple(row) for row in rows]


def test_a_chunk_copied_is_stored_as_a_chunk_inserted(app, client, monkeypatch):
    world = make_world(app, client)
    make_products(world)
    copied, inserted = new_deal(world, spec_terms()), new_deal(world, spec_terms())

    def send(deal: dict[str, Any]) -> dict[str, Any]:
        response = world.fulfillment.client.post(
            "/api/v1/orders/check-batch", data={"file": (io.BytesIO(_batch(deal["id"])),
                                                         "orders.jsonl")},
            headers={"Authorization": f"Bearer {world.fulfillment.token}"})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json["summary"]

    monkeypatch.setattr(checking, "COPY_FROM_ROWS", 1)
    by_copy = send(copied)
    monkeypatch.setattr(checking, "COPY_FROM_ROWS", 10**9)
    by_insert = send(inserted)

    assert by_copy == by_insert
    assert set(by_copy["by_status"]) == {"clear", "blocked"}
    with app.app_context():
        stored = _stored(copied["id"])
        assert stored == _stored(inserted["id"])
        assert len({row[0] for row in stored}) == 80
        assert any(row[12] for row in stored), "some orders count against the cap"

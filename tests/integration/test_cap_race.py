"""A volume cap holds when many checks arrive at once: exactly the cap is taken, never more."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from app.extensions import db
from app.services.orders import counted_units
from tests.api.builders import make_deal, make_products, make_world

CHECKS = 40
UNITS = 100


def _order(deal_id: int, n: int) -> dict:
    return {"deal_id": deal_id, "po_number": f"PO-RACE-{n:03d}", "order_date": "2026-12-01",
            "requested_ship_date": "2026-12-05", "currency": "USD",
            "lines": [{"sku": "A-100", "quantity": UNITS, "unit_price": "9.00"}]}


def test_forty_concurrent_checks_take_exactly_the_1000_unit_cap(app, client):
    world = make_world(app, client)
    make_products(world)
    deal = make_deal(world)
    cap_id = next(t["id"] for t in deal["terms_version"]["terms"] if t["kind"] == "volume_cap")

    def check(n: int) -> dict:
        response = world.fulfillment.post("/api/v1/orders/check", _order(deal["id"], n))
        assert response.status_code == 200, response.json
        return response.json

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(check, range(CHECKS)))

    clear = [r for r in results if r["status"] == "clear"]
    capped = [r for r in results if any(d["code"] == "CAP_EXCEEDED" for d in r["deviations"])]
    assert len(clear) * UNITS == 1000
    assert len(capped) == CHECKS - len(clear)
    with app.app_context():
        assert counted_units(db.session, cap_id) == 1000


def test_rechecking_a_counted_order_replaces_what_it_counted(app, client):
    world = make_world(app, client)
    make_products(world)
    deal = make_deal(world)
    cap_id = next(t["id"] for t in deal["terms_version"]["terms"] if t["kind"] == "volume_cap")
    for _ in range(3):
        response = world.fulfillment.post("/api/v1/orders/check", _order(deal["id"], 1))
        assert response.json["status"] == "clear", response.json
    with app.app_context():
        assert counted_units(db.session, cap_id) == UNITS

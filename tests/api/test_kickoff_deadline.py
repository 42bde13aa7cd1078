"""When the kickoff's deadline passes without it being held, managers hear of it and every order
of the deal waits."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.db.models import OutboxMessage
from app.extensions import db
from app.services.dispatch import do_due_work
from tests.api.builders import make_deal, make_products, make_world

AFTER_DEADLINE = datetime(2026, 12, 12, 9, 0, tzinfo=UTC)


def _early_order(deal_id: int) -> dict:
    return {"deal_id": deal_id, "po_number": "PO-EARLY", "order_date": "2026-12-12",
            "requested_ship_date": "2026-12-13", "currency": "USD",
            "lines": [{"sku": "A-100", "quantity": 10, "unit_price": "10.00"}]}


def test_after_a_missed_deadline_managers_are_escalated_to_and_early_orders_blocked(app, client):
    world = make_world(app, client)
    make_products(world)
    deal = make_deal(world)
    assert deal["kickoff"]["deadline"] == "2026-12-11T00:00:00+00:00"
    before = world.fulfillment.post("/api/v1/orders/check", _early_order(deal["id"])).json
    assert "KICKOFF_NOT_HELD" not in [d["code"] for d in before["deviations"]]

    app.config["NOW"] = lambda: AFTER_DEADLINE
    with app.app_context():
        do_due_work(db.session)
        escalations = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "escalation")).all()
    assert {m.recipient for m in escalations} == {"mia@seller.example", "ana@seller.example"}
    kickoff = world.account_manager.get(f"/api/v1/deals/{deal['id']}/kickoff").json
    assert kickoff["at_risk"] is True

    after = world.fulfillment.post("/api/v1/orders/check", _early_order(deal["id"])).json
    assert after["status"] == "blocked"
    assert [d["code"] for d in after["deviations"] if d["severity"] == "block"] == [
        "KICKOFF_NOT_HELD"]

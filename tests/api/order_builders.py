"""Builders for order-check tests: a deal with chosen terms, an order for it, a check.

Orders are dated 2026-12-01 and ship 2026-12-04, before the deals' first shipment (2026-12-14),
so the kickoff does not come into a check unless a test moves the ship date.
"""

from __future__ import annotations

from typing import Any

from tests.api.builders import (
    World,
    deal_body,
    make_account,
    make_contact,
    unique,
)

ORDER_DATE = "2026-12-01"
SHIP_DATE = "2026-12-04"

# The status an order gets when its worst deviation has this severity (SPEC, "Severities").
STATUS_OF = {"block": "blocked", "warn": "flagged", "info": "clear"}


def new_deal(world: World, terms: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    """A deal with these terms, closed by the salesperson for a fresh account of its own."""
    account = make_account(world, name=unique("Account "), external_ref=unique("CRM-"))
    contact = make_contact(world, account["id"], email=f"{unique('buyer')}@acme.example")
    body = deal_body(world, account["id"], [contact["id"]], terms=terms, **overrides)
    response = world.sales.post("/api/v1/deals", body)
    assert response.status_code == 201, response.json
    deal = response.json
    deal["account"] = account
    deal["contact"] = contact
    return deal


def another_deal(world: World, account_id: int, contact_id: int,
                 terms: list[dict[str, Any]]) -> dict[str, Any]:
    """A second deal with the same account."""
    body = deal_body(world, account_id, [contact_id], terms=terms,
                     external_ref=unique("OPP-"), title="Acme spares")
    response = world.sales.post("/api/v1/deals", body)
    assert response.status_code == 201, response.json
    return response.json


def line(sku: str, quantity: int, unit_price: str) -> dict[str, Any]:
    return {"sku": sku, "quantity": quantity, "unit_price": unit_price}


def order_for(deal_id: int | None, **fields: Any) -> dict[str, Any]:
    """An order for the deal, with a PO number of its own; `fields` replace the defaults."""
    order: dict[str, Any] = {
        "po_number": unique("PO-"), "order_date": ORDER_DATE, "requested_ship_date": SHIP_DATE,
        "currency": "USD", "lines": [line("A-100", 10, "12.00")]}
    if deal_id is not None:
        order["deal_id"] = deal_id
    order.update(fields)
    return order


def check(world: World, order: dict[str, Any], role: str = "fulfillment") -> dict[str, Any]:
    """Check the order through the API; the check's JSON."""
    response = world.callers[role].post("/api/v1/orders/check", order)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def codes(result: dict[str, Any]) -> list[str]:
    return [d["code"] for d in result["deviations"]]


def the(result: dict[str, Any], code: str) -> dict[str, Any]:
    """The one deviation of this code in a check."""
    found = [d for d in result["deviations"] if d["code"] == code]
    assert len(found) == 1, (code, result["deviations"])
    return found[0]


def above_info(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The deviations fulfillment must act on."""
    return [d for d in result["deviations"] if d["severity"] != "info"]


def hold_kickoff(world: World, deal_id: int) -> None:
    """The account manager records the deal's kickoff as held (now)."""
    response = world.account_manager.post(f"/api/v1/deals/{deal_id}/kickoff/held",
                                          {"minutes": "Terms reviewed with the customer."})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "held"


def term_ids(deal: dict[str, Any]) -> list[int]:
    """The ids of the deal's terms, in the order they were sent."""
    return [int(t["id"]) for t in deal["terms_version"]["terms"]]


def get_order(world: World, order_id: int, role: str = "fulfillment") -> dict[str, Any]:
    response = world.callers[role].get(f"/api/v1/orders/{order_id}")
    assert response.status_code == 200, response.json
    return response.json


def order_total(world: World, **query: Any) -> int:
    response = world.fulfillment.get("/api/v1/orders", query_string={"per_page": 200, **query})
    assert response.status_code == 200, response.json
    return int(response.json["total"])


def listed(world: World, **query: Any) -> list[dict[str, Any]]:
    """Every order the list gives for this query (all pages)."""
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        response = world.fulfillment.get("/api/v1/orders",
                                         query_string={"per_page": 200, "page": page, **query})
        assert response.status_code == 200, response.json
        items.extend(response.json["items"])
        if page >= response.json["pages"]:
            return items
        page += 1


def decide(world: World, order_id: int, action: str, reason: str | None, role: str) -> Any:
    body: dict[str, Any] = {"action": action}
    if reason is not None:
        body["reason"] = reason
    return world.callers[role].post(f"/api/v1/orders/{order_id}/decision", body)

"""What a check keeps between checks (each deal's compiled terms) is never stale and never
another deal's or another database's: every change a check depends on is seen by the next one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from app import create_app
from tests.api.builders import (
    World,
    etag_of,
    make_products,
    make_world,
    spec_terms,
)
from tests.api.order_builders import check, codes, line, new_deal, order_for, the
from tests.conftest import _migrate, app_config

TIER_9 = 1  # index of the 9.00-for-100+ tier in spec_terms()


def _clear_order(deal: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return order_for(deal["id"], lines=[line("A-100", 120, "9.00")], **fields)


def _tier_id(deal: dict[str, Any]) -> int:
    return int(deal["terms_version"]["terms"][TIER_9]["id"])


def _amend_tier(world: World, deal: dict[str, Any], price: str) -> dict[str, Any]:
    response = world.sales.post(
        f"/api/v1/deals/{deal['id']}/amendments",
        {"reason": "Price agreed by phone", "effective_from": "2026-11-25",
         "replace": [{"term_id": _tier_id(deal), "kind": "unit_price",
                      "params": {"sku": "A-100", "price": price, "min_quantity": 100}}]},
        headers={"If-Match": etag_of(world, deal["id"])})
    assert response.status_code == 201, response.json
    return response.json


def test_a_new_terms_version_is_seen_by_the_next_check(world: World):
    make_products(world)
    deal = new_deal(world, spec_terms())
    order = _clear_order(deal)
    assert check(world, order)["status"] == "clear"

    version = _amend_tier(world, deal, "8.50")
    again = check(world, order)

    new_tier = next(t["id"] for t in version["terms"] if t["params"].get("price") == "8.50")
    assert again["terms_version"] == 2
    assert (the(again, "PRICE_ABOVE_AGREED")["term_id"], the(again, "PRICE_ABOVE_AGREED")
            ["expected"]) == (new_tier, "8.50")


def test_a_new_terms_version_made_through_another_worker_is_seen(world: World, tmp_path: Path):
    """Two apps on one database stand for two server workers, each with its own cache."""
    make_products(world)
    deal = new_deal(world, spec_terms())
    order = _clear_order(deal)
    other = create_app(app_config(world.app.config["SQLALCHEMY_DATABASE_URI"],
                                  tmp_path / "other"))
    other.config["NOW"] = world.app.config["NOW"]
    other_client = other.test_client()
    token = world.fulfillment.token

    def check_elsewhere() -> dict[str, Any]:
        response = other_client.post("/api/v1/orders/check", json=order,
                                     headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.json
        return response.json

    assert check_elsewhere()["status"] == "clear"
    _amend_tier(world, deal, "8.50")  # made through the first app

    assert codes(check_elsewhere()) == ["PRICE_ABOVE_AGREED", "MANUAL_REVIEW"]
    _dispose(other)


def test_a_changed_severity_is_seen_by_the_next_check(world: World):
    make_products(world)
    deal = new_deal(world, spec_terms())
    assert check(world, _clear_order(deal))["status"] == "clear"

    response = world.admin.put("/api/v1/settings/severities",
                               {"severities": {"MANUAL_REVIEW": "block"}})
    assert response.status_code == 200, response.json

    assert check(world, _clear_order(deal))["status"] == "blocked"


def test_a_kickoff_held_is_seen_by_the_next_check(world: World):
    make_products(world)
    deal = new_deal(world, spec_terms())
    order = _clear_order(deal, requested_ship_date="2026-12-15")
    assert "KICKOFF_NOT_HELD" in codes(check(world, order))

    response = world.account_manager.post(f"/api/v1/deals/{deal['id']}/kickoff/held", {})
    assert response.status_code == 200, response.json

    assert "KICKOFF_NOT_HELD" not in codes(check(world, order))


def test_a_signature_settling_a_pending_option_is_seen_by_the_next_check(world: World):
    make_products(world)
    pending = {"kind": "option", "params": {"name": "extended_warranty", "sku": "WARR-EXT",
                                            "decision": "pending", "terms": "3 years"}}
    deal = new_deal(world, [*spec_terms()[:3], pending])
    order = _clear_order(deal)
    assert codes(check(world, order)) == ["OPTION_DECISION_PENDING"]

    response = world.sales.post(f"/api/v1/deals/{deal['id']}/signatures", {
        "version": 1, "signer": {"contact_id": deal["contact"]["id"]},
        "typed_name": "Jane Buyer",
        "decisions": [{"option": "extended_warranty", "decision": "accept"}]})
    assert response.status_code == 201, response.json

    assert check(world, order)["deviations"] == []


def test_a_changed_catalog_price_is_seen_by_the_next_check(world: World):
    make_products(world)
    deal = new_deal(world, spec_terms())
    order = order_for(deal["id"], lines=[line("B-200", 5, "40.00")])
    assert codes(check(world, order)) == ["MANUAL_REVIEW"]

    response = world.admin.post("/api/v1/products", [
        {"sku": "B-200", "name": "Gadget", "category": "gadgets", "list_price": "42.00",
         "currency": "USD"}])
    assert response.status_code == 201, response.json

    assert the(check(world, order), "PRICE_BELOW_AGREED")["expected"] == "42.00"


def test_each_deal_is_checked_against_its_own_terms_in_turn(world: World):
    make_products(world)
    nine = new_deal(world, spec_terms())
    terms = spec_terms()
    terms[TIER_9]["params"]["price"] = "7.00"
    seven = new_deal(world, terms)

    for _ in range(2):
        assert check(world, order_for(nine["id"], lines=[line("A-100", 120, "9.00")])
                     )["status"] == "clear"
        cheap = check(world, order_for(seven["id"], lines=[line("A-100", 120, "9.00")]))
        assert (the(cheap, "PRICE_ABOVE_AGREED")["expected"],
                the(cheap, "PRICE_ABOVE_AGREED")["term_id"]) == ("7.00", _tier_id(seven))


def _dispose(app: Flask) -> None:
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _world_with_price(folder: Path, price: str) -> World:
    """A database of its own (a SQLite file) with one deal whose 100+ tier is at ``price``."""
    url = f"sqlite:///{folder / 'handoff.sqlite3'}"
    _migrate(url, folder)
    app = create_app(app_config(url, folder / "instance"))
    world = make_world(app, app.test_client())
    make_products(world)
    terms = spec_terms()
    terms[TIER_9]["params"]["price"] = price
    new_deal(world, terms)
    return world


def test_two_databases_in_one_process_never_share_a_deals_terms(tmp_path: Path):
    first = _world_with_price(tmp_path / "first", "9.00")
    second = _world_with_price(tmp_path / "second", "7.00")

    for _ in range(2):
        mine = check(first, order_for(1, lines=[line("A-100", 120, "9.00")]))
        theirs = check(second, order_for(1, lines=[line("A-100", 120, "9.00")]))
        assert mine["status"] == "clear", mine
        assert the(theirs, "PRICE_ABOVE_AGREED")["expected"] == "7.00"
    _dispose(first.app)
    _dispose(second.app)

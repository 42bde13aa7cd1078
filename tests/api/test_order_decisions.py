"""Decisions on checked orders: fulfillment releases flagged orders and holds any order, only a
manager overrides a block, every decision needs a reason and is kept and audited, and what
counts against a volume cap follows the decisions."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.services.orders import counted_units
from tests.api.builders import (
    World,
    assert_problem,
    make_products,
    make_world,
    spec_terms,
    stored_counts,
)
from tests.api.order_builders import (
    check,
    decide,
    get_order,
    line,
    new_deal,
    order_for,
    term_ids,
)
from tests.conftest import ON_POSTGRES, _fresh_postgres

PAYMENT = [{"kind": "payment_terms", "params": {"net_days": 30}, "note": "standard is 15"}]


@pytest.fixture
def world(world: World) -> World:
    make_products(world)
    return world


def checked(world: World, status: str) -> dict[str, Any]:
    """An order of a deal with net 30 days agreed, checked to be clear, flagged or blocked."""
    deal = new_deal(world, PAYMENT)
    fields: dict[str, dict[str, Any]] = {
        "clear": {"payment_terms": {"net_days": 30}},
        "flagged": {"payment_terms": {"net_days": 60}},
        "blocked": {"currency": "EUR"},
    }
    result = check(world, order_for(deal["id"], **fields[status]))
    assert result["status"] == status, result
    return result


def audit_of(world: World, order_id: int) -> list[dict[str, Any]]:
    """The order's audit events, oldest first."""
    response = world.manager.get("/api/v1/audit", query_string={
        "entity": "order", "entity_id": str(order_id), "per_page": 200})
    assert response.status_code == 200, response.json
    return list(reversed(response.json["items"]))


def test_fulfillment_releases_a_flagged_order(world: World) -> None:
    order = checked(world, "flagged")

    response = decide(world, order["order_id"], "release", "Customer confirmed net 60 by mail",
                      "fulfillment")

    assert response.status_code == 201, response.json
    body = response.json
    assert (body["id"], body["decision"], body["status"]) == (
        order["order_id"], "released", "flagged")
    assert [(d["action"], d["reason"], d["user_id"], d["user"], d["check_id"])
            for d in body["decisions"]] == [
        ("release", "Customer confirmed net 60 by mail", world.ids["fulfillment"],
         "Fred Fulfil", order["check_id"])]
    assert body["decisions"][0]["decided_at"]
    assert get_order(world, order["order_id"])["decision"] == "released"
    event = audit_of(world, order["order_id"])[-1]
    assert (event["action"], event["actor_id"]) == ("order.released", world.ids["fulfillment"])
    assert event["data"]["reason"] == "Customer confirmed net 60 by mail"
    assert event["data"]["check_id"] == order["check_id"]


@pytest.mark.parametrize("status", ["clear", "flagged", "blocked"])
def test_fulfillment_holds_any_order(world: World, status: str) -> None:
    order = checked(world, status)

    response = decide(world, order["order_id"], "hold", "Waiting for the customer's answer",
                      "fulfillment")

    assert response.status_code == 201, response.json
    assert (response.json["decision"], response.json["status"]) == ("held", status)
    assert [d["action"] for d in response.json["decisions"]] == ["hold"]
    assert audit_of(world, order["order_id"])[-1]["action"] == "order.held"


@pytest.mark.parametrize("role", ["fulfillment", "manager"])
def test_a_blocked_order_cannot_be_released(world: World, role: str) -> None:
    order = checked(world, "blocked")
    before = stored_counts(world)

    response = decide(world, order["order_id"], "release", "Ship it anyway", role)

    body = assert_problem(response, 403)
    assert "override" in body["detail"]
    assert stored_counts(world) == before
    stored = get_order(world, order["order_id"])
    assert (stored["decision"], stored["decisions"]) == (None, [])


def test_a_held_blocked_order_still_cannot_be_released(world: World) -> None:
    order = checked(world, "blocked")
    held = decide(world, order["order_id"], "hold", "Asking sales", "fulfillment")
    assert held.status_code == 201, held.json

    response = decide(world, order["order_id"], "release", "Sales said fine", "fulfillment")

    assert_problem(response, 403)
    assert get_order(world, order["order_id"])["decision"] == "held"


def test_only_a_manager_overrides_a_block(world: World) -> None:
    order = checked(world, "blocked")
    before = stored_counts(world)

    refused = decide(world, order["order_id"], "override", "I think it is fine", "fulfillment")

    assert_problem(refused, 403)
    assert stored_counts(world) == before
    response = decide(world, order["order_id"], "override", "Manager approved one-off price",
                      "manager")
    assert response.status_code == 201, response.json
    assert (response.json["decision"], response.json["status"]) == ("overridden", "blocked")
    assert [(d["action"], d["user_id"]) for d in response.json["decisions"]] == [
        ("override", world.ids["manager"])]
    event = audit_of(world, order["order_id"])[-1]
    assert (event["action"], event["actor_id"]) == ("order.overridden", world.ids["manager"])
    assert event["data"]["reason"] == "Manager approved one-off price"


@pytest.mark.parametrize("reason", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_a_decision_needs_a_reason(world: World, reason: str | None) -> None:
    order = checked(world, "flagged")
    before = stored_counts(world)

    response = decide(world, order["order_id"], "release", reason, "fulfillment")

    assert_problem(response, 422, "reason")
    assert stored_counts(world) == before
    assert get_order(world, order["order_id"])["decisions"] == []


def test_an_unknown_action_is_refused(world: World) -> None:
    order = checked(world, "flagged")

    response = decide(world, order["order_id"], "ship", "Because", "fulfillment")

    assert_problem(response, 422, "action")


def test_a_decision_on_an_unknown_order_is_404(world: World) -> None:
    response = decide(world, 424242, "hold", "Checking", "fulfillment")

    assert_problem(response, 404)


@pytest.mark.parametrize("role", ["sales", "other_sales", "account_manager", "admin"])
@pytest.mark.parametrize("action", ["release", "hold", "override"])
def test_others_cannot_decide(world: World, role: str, action: str) -> None:
    order = checked(world, "flagged")
    before = stored_counts(world)

    response = decide(world, order["order_id"], action, "I was told so", role)

    assert_problem(response, 403)
    assert stored_counts(world) == before


def test_every_decision_is_kept_oldest_first_and_audited(world: World) -> None:
    order = checked(world, "flagged")
    steps = [("hold", "Asking the customer about net 60", "fulfillment"),
             ("release", "Customer confirmed net 60 in writing", "fulfillment"),
             ("hold", "Credit check pending", "manager"),
             ("override", "Credit cleared; ship", "manager")]

    for action, reason, role in steps:
        response = decide(world, order["order_id"], action, reason, role)
        assert response.status_code == 201, response.json

    stored = get_order(world, order["order_id"])
    assert stored["decision"] == "overridden"
    assert [(d["action"], d["reason"], d["user_id"]) for d in stored["decisions"]] == [
        (action, reason, world.ids[role]) for action, reason, role in steps]
    times = [d["decided_at"] for d in stored["decisions"]]
    assert times == sorted(times)
    assert [d["id"] for d in stored["decisions"]] == sorted(d["id"] for d in stored["decisions"])
    events = audit_of(world, order["order_id"])
    assert [e["action"] for e in events] == [
        "order.checked", "order.held", "order.released", "order.held", "order.overridden"]
    assert [e["data"]["reason"] for e in events[1:]] == [reason for _, reason, _ in steps]
    assert [e["actor_id"] for e in events[1:]] == [world.ids[role] for _, _, role in steps]
    verify = world.manager.get("/api/v1/audit/verify")
    assert verify.status_code == 200 and verify.json["ok"] is True, verify.json


def test_a_decision_names_the_check_it_was_made_on(world: World) -> None:
    deal = new_deal(world, PAYMENT)
    order = order_for(deal["id"], payment_terms={"net_days": 60})
    first = check(world, order)
    decide(world, first["order_id"], "hold", "Asking about net 60", "fulfillment")
    second = check(world, order)

    response = decide(world, second["order_id"], "release", "Net 60 agreed by mail",
                      "fulfillment")

    assert response.status_code == 201, response.json
    assert [d["check_id"] for d in response.json["decisions"]] == [
        first["check_id"], second["check_id"]]


def test_released_and_overridden_orders_count_against_a_cap_and_held_ones_do_not(
        world: World) -> None:
    deal = new_deal(world, spec_terms())  # at most 1000 units of A-100
    cap = term_ids(deal)[2]

    def counted() -> int:
        with world.app.app_context():
            return counted_units(db.session, cap)

    def order(quantity: int, price: str = "9.00") -> dict[str, Any]:
        return check(world, order_for(deal["id"], lines=[line("A-100", quantity, price)]))

    first = order(600)
    assert first["status"] == "clear"
    assert counted() == 600
    over = order(500)
    assert over["status"] == "blocked"
    assert "CAP_EXCEEDED" in [d["code"] for d in over["deviations"]]
    assert counted() == 600
    small = order(50)  # below the 1-99 tier's 10.00: flagged, not counted until released
    assert small["status"] == "flagged"
    assert counted() == 600

    assert decide(world, small["order_id"], "release", "Price agreed by phone",
                  "fulfillment").status_code == 201
    assert counted() == 650
    assert decide(world, over["order_id"], "override", "One-off extra volume approved",
                  "manager").status_code == 201
    assert counted() == 1150
    assert decide(world, first["order_id"], "hold", "Customer may cancel",
                  "fulfillment").status_code == 201
    assert counted() == 550

    # What is counted is what the next check compares with the cap.
    fits = order(450)
    assert fits["status"] == "clear", fits["deviations"]
    assert counted() == 1000
    full = order(100)
    assert full["status"] == "blocked"
    assert [d["actual"] for d in full["deviations"] if d["code"] == "CAP_EXCEEDED"] == ["1100"]
    assert decide(world, over["order_id"], "hold", "Extra volume withdrawn",
                  "manager").status_code == 201
    assert counted() == 500


def _rebuild(app: Flask, template_url: str, url: str) -> None:
    """Start the database afresh under the running service, as a restore or demo reload does."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if ON_POSTGRES:
        _fresh_postgres(url)
    else:
        shutil.copyfile(template_url.removeprefix("sqlite:///"), url.removeprefix("sqlite:///"))


def test_after_the_database_is_rebuilt_checks_name_and_count_its_own_terms(
        app: Flask, client: Any, database_url: str, db_url: str) -> None:
    """Compiled terms are kept by the running service; a rebuilt database whose deal and
    version have the same numbers and terms, but other term ids, must not get the old ids."""
    before = make_world(app, client)
    make_products(before)
    new_deal(before, spec_terms())
    old = new_deal(before, spec_terms()[:3])
    check(before, order_for(old["id"], lines=[line("A-100", 120, "9.50")]))
    _rebuild(app, database_url, db_url)

    world = make_world(app, client)
    make_products(world)
    new_deal(world, [spec_terms()[4]])
    deal = new_deal(world, spec_terms()[:3])
    assert deal["id"] == old["id"] and term_ids(deal) != term_ids(old)
    _, volume_tier, cap = term_ids(deal)

    wrong = check(world, order_for(deal["id"], lines=[line("A-100", 120, "9.50")]))
    right = check(world, order_for(deal["id"], lines=[line("A-100", 120, "9.00")]))

    assert [(d["code"], d["term_id"]) for d in wrong["deviations"]] == [
        ("PRICE_ABOVE_AGREED", volume_tier)]
    assert right["status"] == "clear"
    with app.app_context():
        assert counted_units(db.session, cap) == 120

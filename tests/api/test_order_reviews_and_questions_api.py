"""Manual review items and questions to the salesperson, through the API: fulfillment ticks
off each MANUAL_REVIEW item of an order's latest check; a question about a deviation goes to
the deal's salesperson, whose answer is kept on the order. Refusals store nothing."""

from __future__ import annotations

from typing import Any

import pytest

from app.db.models import OutboxMessage
from app.extensions import db
from tests.api.builders import World, assert_problem, make_products, stored_counts
from tests.api.order_builders import check, new_deal, order_for

REVIEWED = [
    {"kind": "clause", "params": {"text": "Customer logo on every carton",
                                  "review_on_order": True}},
    {"kind": "clause", "params": {"text": "Pallets wrapped in recycled film",
                                  "review_on_order": True}},
    {"kind": "payment_terms", "params": {"net_days": 30}},
]


@pytest.fixture
def world(world: World) -> World:
    make_products(world)
    return world


def _checked(world: World, **fields: Any) -> dict[str, Any]:
    deal = new_deal(world, REVIEWED)
    return check(world, order_for(deal["id"], **fields))


def _items(world: World, order_id: int, role: str = "fulfillment") -> list[dict[str, Any]]:
    response = world.callers[role].get(f"/api/v1/orders/{order_id}/reviews")
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_each_review_clause_is_an_open_item_until_fulfillment_ticks_it_off(world: World) -> None:
    result = _checked(world)
    items = _items(world, result["order_id"])
    assert [i["message"].split(": ")[1].split(" (")[0] for i in items] == [
        "Customer logo on every carton", "Pallets wrapped in recycled film"]
    assert [i["ticked_off"] for i in items] == [False, False]
    response = world.fulfillment.post(f"/api/v1/orders/{result['order_id']}/reviews", {
        "deviation_id": items[0]["deviation_id"], "note": "Logo proof approved"})
    assert response.status_code == 201, response.json
    review = response.json
    assert review["reviewed_by_id"] == world.ids["fulfillment"]
    assert review["check_id"] == result["check_id"]
    assert review["note"] == "Logo proof approved"
    after = _items(world, result["order_id"], role="sales")
    assert [i["ticked_off"] for i in after] == [True, False]
    assert after[0]["review"]["id"] == review["id"]


def test_a_review_is_ticked_off_once_and_only_by_fulfillment_or_a_manager(world: World) -> None:
    result = _checked(world)
    item = _items(world, result["order_id"])[0]
    path = f"/api/v1/orders/{result['order_id']}/reviews"
    for role in ("sales", "account_manager", "admin"):
        before = stored_counts(world)
        assert_problem(world.callers[role].post(path, {"deviation_id": item["deviation_id"]}),
                       403)
        assert stored_counts(world) == before, role
    assert world.manager.post(path, {"deviation_id": item["deviation_id"]}).status_code == 201
    before = stored_counts(world)
    assert_problem(world.fulfillment.post(path, {"deviation_id": item["deviation_id"]}), 409)
    assert stored_counts(world) == before


def test_only_a_manual_review_item_of_the_latest_check_can_be_ticked_off(world: World) -> None:
    result = _checked(world, payment_terms={"net_days": 60})
    path = f"/api/v1/orders/{result['order_id']}/reviews"
    mismatch = _deviation_ids(world, result["order_id"])["PAYMENT_TERMS_MISMATCH"]
    before = stored_counts(world)
    assert_problem(world.fulfillment.post(path, {"deviation_id": mismatch}), 422,
                   "deviation_id")  # a deviation, but no review item
    for bad in ({"deviation_id": 2**31}, {"deviation_id": "one"}, {}, {"deviation_id": 0},
                {"deviation_id": mismatch, "note": "x" * 2001}):
        assert world.fulfillment.post(path, bad).status_code == 422, bad
    assert stored_counts(world) == before
    stale = _items(world, result["order_id"])[0]["deviation_id"]
    check(world, order_for(result["deal_id"], po_number=result["po_number"]))  # a re-check
    assert_problem(world.fulfillment.post(path, {"deviation_id": stale}), 422, "deviation_id")
    assert stored_counts(world)["order_reviews"] == before["order_reviews"]
    assert [i["ticked_off"] for i in _items(world, result["order_id"])] == [False, False]


def test_a_question_goes_to_the_deals_salesperson_and_the_answer_stays_on_the_order(
        world: World) -> None:
    result = _checked(world, payment_terms={"net_days": 60})
    deviation = next(d for d in result["deviations"] if d["code"] == "PAYMENT_TERMS_MISMATCH")
    deviation_id = _deviation_ids(world, result["order_id"])[deviation["code"]]
    path = f"/api/v1/orders/{result['order_id']}/questions"
    asked = world.fulfillment.post(path, {"deviation_id": deviation_id,
                                          "text": "Was net 60 agreed?"})
    assert asked.status_code == 201, asked.json
    question = asked.json
    assert question["asked_to_id"] == world.ids["sales"]
    assert question["where"] == "The order as a whole"
    assert question["answer"] is None
    with world.app.app_context():
        mail = db.session.query(OutboxMessage).filter_by(kind="order_question").one()
        assert "Was net 60 agreed?" in mail.body and "net 60" in mail.body.lower()
    answer_path = f"{path}/{question['id']}/answer"
    assert_problem(world.other_sales.post(answer_path, {"text": "Yes"}), 403)
    assert_problem(world.sales.post(answer_path, {"text": "  "}), 422, "text")
    answered = world.sales.post(answer_path, {"text": "Yes, for this order only."})
    assert answered.status_code == 201, answered.json
    assert answered.json["answer"]["text"] == "Yes, for this order only."
    listed = world.account_manager.get(path).json["items"]
    assert [q["answer"]["answered_by_id"] for q in listed] == [world.ids["sales"]]
    assert_problem(world.sales.post(answer_path, {"text": "No"}), 409)


def test_only_fulfillment_or_a_manager_asks(world: World) -> None:
    result = _checked(world, payment_terms={"net_days": 60})
    deviation_id = _deviation_ids(world, result["order_id"])["PAYMENT_TERMS_MISMATCH"]
    path = f"/api/v1/orders/{result['order_id']}/questions"
    for role in ("sales", "account_manager", "admin"):
        before = stored_counts(world)
        assert_problem(world.callers[role].post(path, {"deviation_id": deviation_id,
                                                       "text": "Why?"}), 403)
        assert stored_counts(world) == before, role
    assert world.manager.post(path, {"deviation_id": deviation_id,
                                     "text": "Why?"}).status_code == 201


def _deviation_ids(world: World, order_id: int) -> dict[str, int]:
    from app.db.models import OrderRecord

    with world.app.app_context():
        record = db.session.get(OrderRecord, order_id)
        assert record is not None
        return {d.code: d.id for d in record.checks[-1].deviations}


def test_the_endpoints_are_in_the_openapi_document(world: World) -> None:
    paths = world.client.get("/api/v1/openapi.json").json["paths"]
    reviews = paths["/api/v1/orders/{order_id}/reviews"]
    assert set(reviews) >= {"get", "post"}
    schema = reviews["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/ReviewIn")
    assert "post" in paths["/api/v1/orders/{order_id}/questions/{question_id}/answer"]


def test_waiting_lists_what_someone_still_has_to_act_on(world: World) -> None:
    deal = new_deal(world, [{"kind": "payment_terms", "params": {"net_days": 30}}])

    def order(po: str, **fields: Any) -> int:
        return check(world, order_for(deal["id"], po_number=po, **fields))["order_id"]

    flagged = order("W-FLAGGED", payment_terms={"net_days": 60})
    released = order("W-RELEASED", payment_terms={"net_days": 60})
    order("W-CLEAR")
    held = order("W-HELD")
    overridden = order("W-OVERRIDDEN", currency="EUR")
    for order_id, action, role in ((released, "release", "fulfillment"),
                                   (held, "hold", "fulfillment"),
                                   (overridden, "override", "manager")):
        response = world.callers[role].post(f"/api/v1/orders/{order_id}/decision", {
            "action": action, "reason": "Decided"})
        assert response.status_code == 201, response.json
    reviewed = _checked(world)  # clear, with two review items open
    listed = world.fulfillment.get("/api/v1/orders", query_string={"waiting": "true"}).json
    assert {o["id"] for o in listed["items"]} == {flagged, held, reviewed["order_id"]}
    everything = world.fulfillment.get("/api/v1/orders").json
    assert everything["total"] == 6

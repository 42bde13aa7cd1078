"""The SPEC's request-shape examples, in order, as a salesperson and colleagues would send them."""

from __future__ import annotations

import pytest

from tests.api.builders import (
    World,
    deal_body,
    make_account,
    make_contact,
    make_products,
    make_world,
)


@pytest.fixture
def world(app, client) -> World:
    return make_world(app, client)


def test_closing_the_spec_example_deal_records_version_1_and_schedules_the_kickoff(world):
    make_products(world)
    account = make_account(world)
    contact = make_contact(world, account["id"])

    response = world.sales.post("/api/v1/deals", deal_body(world, account["id"], [contact["id"]]))

    assert response.status_code == 201, response.json
    deal = response.json
    assert deal["status"] == "closed"
    assert deal["terms_version"]["number"] == 1
    assert len(deal["terms_version"]["digest"]) == 64
    assert [t["kind"] for t in deal["terms_version"]["terms"]] == [
        "unit_price", "unit_price", "volume_cap", "option", "clause"]
    assert all("id" in t for t in deal["terms_version"]["terms"])
    assert deal["kickoff"]["status"] == "scheduled"
    assert deal["kickoff"]["start"] < deal["kickoff"]["deadline"]
    assert response.headers["ETag"]

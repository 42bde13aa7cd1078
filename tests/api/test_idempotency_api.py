"""Idempotency-Key on creating POSTs: keyed per caller; the same key and body replays the first
answer; the same key with another body is 422; a duplicate that arrives while the first is still
being processed is 409."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from app.services import accounts as accounts_service
from tests.api.builders import (
    World,
    assert_problem,
    deal_body,
    make_account,
    make_contact,
    stored_counts,
)

ACME = {"name": "Acme Tools", "external_ref": "CRM-0042", "country": "US",
        "timezone": "America/Chicago"}


def _key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


def test_the_same_key_and_body_replays_the_first_answer_and_creates_nothing_more(world: World):
    first = world.sales.post("/api/v1/accounts", ACME, headers=_key("acme-1"))
    after_first = stored_counts(world)

    again = world.sales.post("/api/v1/accounts", ACME, headers=_key("acme-1"))

    assert first.status_code == 201, first.json
    assert again.status_code == 201
    assert again.json == first.json
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert stored_counts(world) == after_first
    assert world.sales.get("/api/v1/accounts").json["total"] == 1


def test_a_replayed_deal_close_returns_the_same_deal_location_and_etag(world: World):
    account = make_account(world)
    contact = make_contact(world, account["id"])
    body = deal_body(world, account["id"], [contact["id"]])
    first = world.sales.post("/api/v1/deals", body, headers=_key("close-opp-981"))
    after_first = stored_counts(world)

    again = world.sales.post("/api/v1/deals", body, headers=_key("close-opp-981"))

    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert stored_counts(world) == after_first


def test_the_same_key_with_another_body_is_422_and_stores_nothing(world: World):
    world.sales.post("/api/v1/accounts", ACME, headers=_key("acme-1"))
    before = stored_counts(world)

    response = world.sales.post("/api/v1/accounts", {**ACME, "name": "Acme Tooling"},
                                headers=_key("acme-1"))

    assert_problem(response, 422, "Idempotency-Key")
    assert stored_counts(world) == before


def test_keys_belong_to_their_caller(world: World):
    mine = world.sales.post("/api/v1/accounts", ACME, headers=_key("same-key"))

    theirs = world.manager.post("/api/v1/accounts", {**ACME, "external_ref": "CRM-0043"},
                                headers=_key("same-key"))

    assert mine.status_code == theirs.status_code == 201
    assert theirs.json["id"] != mine.json["id"]
    assert "Idempotent-Replayed" not in theirs.headers


def test_a_refused_request_does_not_use_up_its_key(world: World):
    refused = world.sales.post("/api/v1/accounts", {**ACME, "country": "Narnia"},
                               headers=_key("acme-2"))

    fixed = world.sales.post("/api/v1/accounts", ACME, headers=_key("acme-2"))

    assert_problem(refused, 422, "country")
    assert fixed.status_code == 201, fixed.json
    assert "Idempotent-Replayed" not in fixed.headers


def test_a_duplicate_that_arrives_while_the_first_is_in_progress_is_409(
        world: World, monkeypatch: pytest.MonkeyPatch):
    """The duplicate is sent from another thread (as from another worker, with a database
    session of its own) while the first request is inside its service, before it answers."""
    create = accounts_service.create_account
    duplicates: list[Any] = []

    def send_duplicate() -> None:
        with world.app.app_context():
            duplicates.append(world.sales.post("/api/v1/accounts", ACME,
                                               headers=_key("acme-3")))

    def create_while_a_duplicate_arrives(*args: Any, **kwargs: Any) -> Any:
        if not duplicates:
            other = threading.Thread(target=send_duplicate)
            other.start()
            other.join(30)
        return create(*args, **kwargs)

    monkeypatch.setattr(accounts_service, "create_account", create_while_a_duplicate_arrives)

    first = world.sales.post("/api/v1/accounts", ACME, headers=_key("acme-3"))

    assert first.status_code == 201, first.json
    assert_problem(duplicates[0], 409)
    assert world.sales.get("/api/v1/accounts").json["total"] == 1
    replay = world.sales.post("/api/v1/accounts", ACME, headers=_key("acme-3"))
    assert replay.json == first.json


def test_a_key_longer_than_200_characters_is_422(world: World):
    before = stored_counts(world)

    response = world.sales.post("/api/v1/accounts", ACME, headers=_key("k" * 201))

    assert_problem(response, 422, "Idempotency-Key")
    assert stored_counts(world) == before


@pytest.mark.parametrize("path, body", [
    ("/api/v1/users", {"email": "nia@seller.example", "name": "Nia New", "roles": ["sales"]}),
    ("/api/v1/products", {"sku": "C-300", "name": "Cog", "category": "widgets",
                          "list_price": "2.00", "currency": "USD"}),
])
def test_other_creating_posts_replay_too(world: World, path: str, body: dict[str, Any]):
    first = world.admin.post(path, body, headers=_key("once"))
    after_first = stored_counts(world)

    again = world.admin.post(path, body, headers=_key("once"))

    assert first.status_code == 201, first.json
    assert (again.status_code, again.json) == (201, first.json)
    assert stored_counts(world) == after_first

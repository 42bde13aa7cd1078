"""Small builders for API tests: people with tokens, accounts, products, and deals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.extensions import db
from app.services.users import create_user, issue_token, set_availability

# A Friday evening; the tests' clock stands here unless a test moves it.
CLOSE = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)

PEOPLE = {
    "admin": ("ada@handoff.example", "Ada Admin", ["admin"], "UTC", "US"),
    "sales": ("ana@seller.example", "Ana Seller", ["sales"], "America/Los_Angeles", "US"),
    "other_sales": ("sam@seller.example", "Sam Other", ["sales"], "America/New_York", "US"),
    "account_manager": ("amy@seller.example", "Amy Manager", ["account_manager"],
                        "America/Chicago", "US"),
    "fulfillment": ("fred@seller.example", "Fred Fulfil", ["fulfillment"], "America/Chicago",
                    "US"),
    "manager": ("mia@seller.example", "Mia Boss", ["manager"], "America/New_York", "US"),
}


@dataclass
class Caller:
    client: FlaskClient
    token: str | None
    user_id: int | None

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        out = dict(headers or {})
        if self.token:
            out["Authorization"] = f"Bearer {self.token}"
        return out

    def get(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> TestResponse:
        return self.client.get(path, headers=self._headers(headers), **kw)

    def post(self, path: str, json: Any = None, headers: dict[str, str] | None = None,
             **kw: Any) -> TestResponse:
        return self.client.post(path, json=json, headers=self._headers(headers), **kw)

    def put(self, path: str, json: Any = None, headers: dict[str, str] | None = None,
            **kw: Any) -> TestResponse:
        return self.client.put(path, json=json, headers=self._headers(headers), **kw)

    def patch(self, path: str, json: Any = None, headers: dict[str, str] | None = None,
              **kw: Any) -> TestResponse:
        return self.client.patch(path, json=json, headers=self._headers(headers), **kw)

    def delete(self, path: str, headers: dict[str, str] | None = None, **kw: Any)\
            -> TestResponse:
        return self.client.delete(path, headers=self._headers(headers), **kw)


@dataclass
class World:
    app: Flask
    client: FlaskClient
    callers: dict[str, Caller] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, role: str) -> Caller:
        try:
            return self.callers[role]
        except KeyError:
            raise AttributeError(role) from None

    @property
    def anonymous(self) -> Caller:
        return Caller(self.client, None, None)


def make_world(app: Flask, client: FlaskClient) -> World:
    """Six people, one per role (and a second salesperson), each with a token."""
    app.config["NOW"] = lambda: NOW
    world = World(app, client)
    with app.app_context():
        for role, (email, name, roles, tz, country) in PEOPLE.items():
            user = create_user(db.session, None, {"email": email, "name": name, "roles": roles,
                                                   "timezone": tz, "country": country})
            set_availability(db.session, user, user.id, {
                "timezone": tz, "country": country,
                "working_hours": {d: [["08:00", "18:00"]] for d in
                                  ("mon", "tue", "wed", "thu", "fri")}})
            token = issue_token(db.session, None, user.id, "tests").secret
            world.callers[role] = Caller(client, token, user.id)
            world.ids[role] = user.id
    return world


def make_account(world: World, **overrides: Any) -> dict[str, Any]:
    body = {"name": "Acme Tools", "external_ref": "CRM-0042", "country": "US",
            "timezone": "America/Chicago", **overrides}
    response = world.sales.post("/api/v1/accounts", body)
    assert response.status_code == 201, response.json
    return response.json


def make_contact(world: World, account_id: int, **overrides: Any) -> dict[str, Any]:
    body = {"name": "Jane Buyer", "email": "jane@acme.example", "title": "Purchasing",
            "timezone": "America/Chicago", **overrides}
    response = world.sales.post(f"/api/v1/accounts/{account_id}/contacts", body)
    assert response.status_code == 201, response.json
    return response.json


def make_products(world: World) -> None:
    response = world.admin.post("/api/v1/products", [
        {"sku": "A-100", "name": "Widget", "category": "widgets", "list_price": "12.00",
         "currency": "USD"},
        {"sku": "B-200", "name": "Gadget", "category": "gadgets", "list_price": "40.00",
         "currency": "USD"},
        {"sku": "WARR-EXT", "name": "Extended warranty", "category": "services",
         "list_price": "150.00", "currency": "USD"},
    ])
    assert response.status_code == 201, response.json


def spec_terms() -> list[dict[str, Any]]:
    """The terms of the SPEC's example deal."""
    return [
        {"kind": "unit_price", "params": {"sku": "A-100", "price": "10.00", "max_quantity": 99},
         "note": "intro price"},
        {"kind": "unit_price", "params": {"sku": "A-100", "price": "9.00", "min_quantity": 100}},
        {"kind": "volume_cap", "params": {"sku": "A-100", "max_quantity": 1000,
                                          "period_start": "2026-11-01",
                                          "period_end": "2027-06-30"}},
        {"kind": "option", "params": {"name": "extended_warranty", "sku": "WARR-EXT",
                                      "decision": "decline",
                                      "terms": "3 years parts and labour"}},
        {"kind": "clause", "params": {"text": "Customer logo on every carton",
                                      "review_on_order": True}},
    ]


def deal_body(world: World, account_id: int, contact_ids: list[int], **overrides: Any)\
        -> dict[str, Any]:
    return {"account_id": account_id, "title": "Acme 2027 supply", "external_ref": "OPP-981",
            "currency": "USD", "closed_at": CLOSE.isoformat().replace("+00:00", "Z"),
            "first_shipment_date": "2026-12-14", "sales_owner_id": world.ids["sales"],
            "account_manager_id": world.ids["account_manager"],
            "fulfillment_lead_id": world.ids["fulfillment"], "contact_ids": contact_ids,
            "terms": spec_terms(), **overrides}


def make_deal(world: World, **overrides: Any) -> dict[str, Any]:
    account = make_account(world)
    contact = make_contact(world, account["id"])
    response = world.sales.post("/api/v1/deals", deal_body(world, account["id"],
                                                           [contact["id"]], **overrides))
    assert response.status_code == 201, response.json
    return response.json


# --- what a caller sees, and what is on file --------------------------------------------------

PROBLEM_JSON = "application/problem+json"


def assert_problem(response: TestResponse, status: int, *fields: str) -> dict[str, Any]:
    """The response is RFC 9457 problem details with this status, naming these fields."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == PROBLEM_JSON, response.mimetype
    body = response.get_json()
    assert body["status"] == status and body["title"], body
    for name in fields:
        assert name in body.get("errors", {}), (name, body)
        assert all(isinstance(m, str) and m for m in body["errors"][name]), body
    return body


def stored_counts(world: World) -> dict[str, int]:
    """How many rows every table holds: a refused request must leave all of them as they were."""
    from sqlalchemy import func, select

    from app.db.base import Base

    with world.app.app_context():
        return {name: int(db.session.scalar(select(func.count()).select_from(table)) or 0)
                for name, table in Base.metadata.tables.items()}


def etag_of(world: World, deal_id: int) -> str:
    response = world.manager.get(f"/api/v1/deals/{deal_id}")
    assert response.status_code == 200, response.json
    return response.headers["ETag"]


_counter = iter(range(1, 1_000_000))


def unique(prefix: str) -> str:
    """A value no other builder call hands out, for fields that must be unique."""
    return f"{prefix}{next(_counter)}"


def term_id_of(deal: dict[str, Any], kind: str, index: int = 0) -> int:
    """The id of the index-th term of this kind in the deal's newest version."""
    found = [t["id"] for t in deal["terms_version"]["terms"] if t["kind"] == kind]
    return int(found[index])


def price_cut(term_id: int, price: str = "9.50") -> dict[str, Any]:
    """An amendment that replaces the intro price tier (the SPEC's example)."""
    return {"reason": "Price cut agreed by phone with Jane Buyer on 2026-12-20",
            "effective_from": "2027-01-01", "add": [], "remove": [],
            "replace": [{"term_id": term_id, "kind": "unit_price",
                         "params": {"sku": "A-100", "price": price, "max_quantity": 99}}]}


def amend(world: World, deal_id: int, body: dict[str, Any], as_role: str = "sales")\
        -> TestResponse:
    return world.callers[as_role].post(f"/api/v1/deals/{deal_id}/amendments", body,
                                       headers={"If-Match": etag_of(world, deal_id)})


def make_shared_world(app: Flask, client: FlaskClient) -> World:
    """The world of tests that share one database: people, catalog, the SPEC's deal amended
    once (so it has versions 1 and 2) and signed by the customer, and a second account whose
    contact is not the deal's."""
    world = make_world(app, client)
    make_products(world)
    deal = make_deal(world)
    other = make_account(world, name="Globex", external_ref="CRM-0099")
    other_contact = make_contact(world, other["id"], name="Hank Scorpio",
                                 email="hank@globex.example")
    intro = term_id_of(deal, "unit_price")
    response = amend(world, deal["id"], price_cut(intro))
    assert response.status_code == 201, response.json
    response = world.sales.post(f"/api/v1/deals/{deal['id']}/signatures", {
        "version": 1, "signer": {"contact_id": deal["contact_ids"][0]},
        "typed_name": "Jane Buyer",
        "decisions": [{"option": "extended_warranty", "decision": "decline"}]})
    assert response.status_code == 201, response.json
    world.ids.update(deal=deal["id"], account=deal["account_id"],
                     contact=deal["contact_ids"][0], other_account=other["id"],
                     other_contact=other_contact["id"], intro_term=intro,
                     cap_term=term_id_of(deal, "volume_cap"),
                     option_term=term_id_of(deal, "option"))
    return world

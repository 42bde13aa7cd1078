"""Who may call what: one table of every route and the status each role gets.

Roles are the SPEC's: the admin; a manager; the deal's sales owner; another salesperson; the
deal's account manager; its fulfillment lead; and a caller with no token. A salesperson changes
only their own deals, fulfillment never writes terms, and nobody changes or deletes a terms
version, a signature or an audit event. Every refusal is problem details and stores nothing.

The table shares one world (built once for the module); a row that changes something builds what
it changes fresh, so the rows do not depend on each other's order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from app.db.models import Signature, User
from app.extensions import db
from app.services.users import issue_token
from tests.api.builders import (
    PROBLEM_JSON,
    World,
    deal_body,
    etag_of,
    stored_counts,
    unique,
)

ROLES = ("admin", "manager", "sales", "other_sales", "account_manager", "fulfillment",
         "anonymous")
SIGNED_IN = ROLES[:-1]


@dataclass(frozen=True)
class Call:
    """What a row sends: values for its path, and a JSON body or raw data and headers."""

    path: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Builder = Callable[[World], Call]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    build: Builder
    expect: dict[str, int]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def allowed(status: int, *roles: str) -> dict[str, int]:
    """`status` for these roles, 403 for the other signed-in ones, 401 without a token."""
    return {**{r: (status if r in roles else 403) for r in SIGNED_IN}, "anonymous": 401}


def everyone(status: int = 200) -> dict[str, int]:
    return allowed(status, *SIGNED_IN)


def public(status: int = 200) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def never() -> dict[str, int]:
    """The method does not exist for this record, whoever asks."""
    return public(405)


def nothing(_: World) -> Call:
    return Call()


# --- builders of the rows that change something ------------------------------------------------


def new_user(_: World) -> Call:
    return Call(json={"email": f"{unique('new')}@seller.example", "name": "Nia New",
                      "roles": ["sales"], "timezone": "Europe/Berlin", "country": "DE"})


def new_token(_: World) -> Call:
    return Call(json={"label": "laptop"})


def token_to_revoke(world: World) -> Call:
    with world.app.app_context():
        issued = issue_token(db.session, None, world.ids["sales"], "to revoke")
        return Call(path={"token": issued.token.id})


def working_hours(_: World) -> Call:
    return Call(json={"timezone": "America/Los_Angeles", "country": "US",
                      "working_hours": {d: [["08:00", "18:00"]]
                                        for d in ("mon", "tue", "wed", "thu", "fri")}})


def busy_block(_: World) -> Call:
    # Far from any kickoff window, so no row moves another row's kickoff.
    return Call(json={"blocks": [{"start": "2030-03-04T16:00:00Z", "end": "2030-03-04T18:00:00Z",
                                  "label": "QBR"}]})


def new_account(_: World) -> Call:
    return Call(json={"name": "Initech", "external_ref": unique("CRM-M"), "country": "US",
                      "timezone": "America/Chicago"})


def new_contact(_: World) -> Call:
    return Call(json={"name": "Peter Gibbons", "email": "peter@acme.example",
                      "title": "Engineer", "timezone": "America/Chicago"})


def new_product(_: World) -> Call:
    return Call(json={"sku": unique("M-"), "name": "Sprocket", "category": "widgets",
                      "list_price": "3.25", "currency": "USD"})


def standard_terms(_: World) -> Call:
    return Call(json={"terms": [{"kind": "payment_terms", "params": {"net_days": 30}},
                                {"kind": "incoterm", "params": {"code": "EXW",
                                                                "place": "Reno"}}]})


def new_deal(world: World) -> Call:
    """The SPEC's deal, owned by the sales owner, at the shared account."""
    return Call(json=deal_body(world, world.ids["account"], [world.ids["contact"]]))


def fresh_deal(world: World) -> int:
    response = world.sales.post("/api/v1/deals", new_deal(world).json)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def deal_change(world: World) -> Call:
    return Call(json={"title": unique("Acme 2027 supply, rev ")},
                headers={"If-Match": etag_of(world, world.ids["deal"])})


def amendment(world: World) -> Call:
    clause = {"kind": "clause", "params": {"text": unique("Pallets wrapped in film, batch "),
                                           "review_on_order": False}}
    return Call(json={"reason": "Customer asked on the phone", "effective_from": "2027-02-01",
                      "add": [clause]},
                headers={"If-Match": etag_of(world, world.ids["deal"])})


def signature(world: World) -> Call:
    return Call(json={"version": 1, "signer": {"contact_id": world.ids["contact"]},
                      "typed_name": "Jane Buyer",
                      "decisions": [{"option": "extended_warranty", "decision": "decline"}]})


def acknowledgement(_: World) -> Call:
    return Call(json={"version": 1})


def note(world: World) -> Call:
    return Call(json={"channel": "call", "contact_id": world.ids["contact"],
                      "text": "Told Jane the extended warranty was declined; she agreed.",
                      "promises": [{"text": "Send carton artwork proof", "due": "2026-12-01"}]})


def reschedule(world: World) -> Call:
    return Call(path={"deal": fresh_deal(world)}, json={})


def held(world: World) -> Call:
    return Call(path={"deal": fresh_deal(world)}, json={"minutes": "Walked through the terms."})


def feed(world: World) -> Call:
    with world.app.app_context():
        user = db.session.get(User, world.ids["sales"])
        assert user is not None
        return Call(path={"feed": user.feed_token})


def a_signature(world: World) -> Call:
    with world.app.app_context():
        first = db.session.scalars(db.select(Signature).order_by(Signature.id)).first()
        assert first is not None
        return Call(path={"signature": first.id})


V1 = "/api/v1"
DEAL = V1 + "/deals/{deal}"
SALES_USER = V1 + "/users/{sales}"

ROUTES = [
    Route("GET", V1 + "/health", nothing, public(200)),
    Route("GET", V1 + "/ping", nothing, public(200)),
    Route("GET", V1 + "/openapi.json", nothing, public(200)),
    Route("GET", V1 + "/docs", nothing, public(200)),
    # users: the admin manages them; a user handles their own tokens and time
    Route("POST", V1 + "/users", new_user, allowed(201, "admin")),
    Route("GET", V1 + "/users", nothing, allowed(200, "admin", "manager")),
    Route("GET", SALES_USER, nothing, allowed(200, "admin", "manager", "sales")),
    Route("POST", SALES_USER + "/tokens", new_token, allowed(201, "admin", "sales")),
    Route("DELETE", SALES_USER + "/tokens/{token}", token_to_revoke,
          allowed(204, "admin", "sales")),
    Route("PUT", SALES_USER + "/availability", working_hours,
          allowed(200, "admin", "manager", "sales")),
    Route("POST", SALES_USER + "/busy", busy_block, allowed(201, "admin", "manager", "sales")),
    Route("GET", V1 + "/calendar/{feed}.ics", feed, public(200)),
    # accounts and contacts: sales (and managers, admins) add them; everyone reads them
    Route("POST", V1 + "/accounts", new_account,
          allowed(201, "admin", "manager", "sales", "other_sales")),
    Route("GET", V1 + "/accounts", nothing, everyone()),
    Route("GET", V1 + "/accounts/{account}", nothing, everyone()),
    Route("POST", V1 + "/accounts/{account}/contacts", new_contact,
          allowed(201, "admin", "manager", "sales", "other_sales")),
    Route("GET", V1 + "/accounts/{account}/contacts", nothing, everyone()),
    # the catalog and the standard terms belong to the admin
    Route("POST", V1 + "/products", new_product, allowed(201, "admin")),
    Route("GET", V1 + "/products", nothing, everyone()),
    Route("GET", V1 + "/standard-terms", nothing, everyone()),
    Route("PUT", V1 + "/standard-terms", standard_terms, allowed(200, "admin")),
    # deals: sales close them in their own name; only the owner (or a manager) changes one
    Route("POST", V1 + "/deals", new_deal, allowed(201, "manager", "sales")),
    Route("GET", V1 + "/deals", nothing, everyone()),
    Route("GET", DEAL, nothing, everyone()),
    Route("PATCH", DEAL, deal_change, allowed(200, "manager", "sales")),
    Route("DELETE", DEAL, nothing, never()),
    # the record of terms: read by everyone, written by the owner or a manager, never rewritten
    Route("GET", DEAL + "/terms", nothing, everyone()),
    Route("GET", DEAL + "/terms/versions", nothing, everyone()),
    Route("GET", DEAL + "/terms/versions/1", nothing, everyone()),
    Route("GET", DEAL + "/terms/versions/2/diff?against=1", nothing, everyone()),
    Route("GET", DEAL + "/terms/{intro_term}/lineage", nothing, everyone()),
    Route("PUT", DEAL + "/terms/versions/1", acknowledgement, never()),
    Route("PATCH", DEAL + "/terms/versions/1", acknowledgement, never()),
    Route("DELETE", DEAL + "/terms/versions/1", nothing, never()),
    Route("DELETE", DEAL + "/terms/versions", nothing, never()),
    Route("POST", DEAL + "/amendments", amendment, allowed(201, "manager", "sales")),
    Route("POST", DEAL + "/signatures", signature, allowed(201, "manager", "sales")),
    Route("GET", DEAL + "/signatures", nothing, everyone()),
    Route("GET", DEAL + "/signatures/{signature}", a_signature, everyone()),
    Route("PUT", DEAL + "/signatures/{signature}", a_signature, never()),
    Route("PATCH", DEAL + "/signatures/{signature}", a_signature, never()),
    Route("DELETE", DEAL + "/signatures/{signature}", a_signature, never()),
    Route("POST", DEAL + "/acknowledgements", acknowledgement,
          allowed(201, "manager", "account_manager", "fulfillment")),
    Route("POST", DEAL + "/notes", note, allowed(201, "manager", "sales", "account_manager")),
    Route("GET", DEAL + "/notes", nothing, everyone()),
    # the kickoff
    Route("GET", DEAL + "/brief.docx", nothing, everyone()),
    Route("GET", DEAL + "/kickoff", nothing, everyone()),
    Route("GET", DEAL + "/kickoff.ics", nothing, everyone()),
    Route("POST", DEAL + "/kickoff/reschedule", reschedule,
          allowed(200, "manager", "sales", "account_manager")),
    Route("POST", DEAL + "/kickoff/held", held, allowed(200, "manager", "account_manager")),
    # the audit log: read by managers and admins, changed by nobody
    Route("GET", V1 + "/audit", nothing, allowed(200, "admin", "manager")),
    Route("GET", V1 + "/audit/verify", nothing, allowed(200, "admin", "manager")),
    Route("GET", V1 + "/audit/1", nothing, allowed(200, "admin", "manager")),
    Route("PUT", V1 + "/audit/1", nothing, never()),
    Route("PATCH", V1 + "/audit/1", nothing, never()),
    Route("DELETE", V1 + "/audit/1", nothing, never()),
    Route("DELETE", V1 + "/audit", nothing, never()),
]


# Orders and settings belong to the order-checking issue, whose tests hold their own matrix.
ELSEWHERE = ("/api/v1/orders", "/api/v1/settings")


def test_the_table_covers_every_route_of_the_api(shared: World):
    """A new route cannot slip past the table: each rule and method appears in it."""
    import re

    covered = {(r.method, re.sub(r"\{[^}]+\}", "*", r.path.split("?")[0])) for r in ROUTES}
    missing = []
    for rule in shared.app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "docs_assets" \
                or rule.rule.startswith(ELSEWHERE):
            continue
        path = re.sub(r"<[^>]+>", "*", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (method, path) not in covered and not _covered_by_literal(method, path, covered):
                missing.append(f"{method} {rule.rule}")
    assert not missing, missing


def _covered_by_literal(method: str, path: str, covered: set[tuple[str, str]]) -> bool:
    """Rows name version 1 and audit event 1 literally; they stand for the `*` of the rule."""
    import re

    return any(m == method and re.fullmatch(re.escape(path).replace(r"\*", "[^/]+"), p)
               for m, p in covered)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_each_role_gets_the_status_the_spec_gives_it(shared: World, route: Route, role: str):
    call = route.build(shared)
    path = route.path.format(**{**shared.ids, **call.path})
    caller = shared.anonymous if role == "anonymous" else shared.callers[role]
    before = stored_counts(shared)

    response = caller.client.open(path, method=route.method, json=call.json,
                                  headers=caller._headers(call.headers))

    expected = route.expect[role]
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected >= 400:
        assert response.mimetype == PROBLEM_JSON
        assert response.json["status"] == expected
        assert stored_counts(shared) == before, "a refused request stored something"
    if expected == 401:
        assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")
    if expected == 405:
        assert response.headers.get("Allow"), "a 405 names the methods that do exist"

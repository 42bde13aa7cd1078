"""Who may call what: every route of the API, called as every role, against the policy table.

The table is the code's own: each API view declares its policy action (`app/api/access.py`),
and `app/policy.py` says which roles may take each action on anyone's object, and which only on
their own (a salesperson on the deals they own, a user on their own profile and tokens). These
tests read both. They enumerate the app's URL map (a route without a declaration fails), call
each route as each role on that role's own object and on someone else's, with no token and with
a revoked token, and fail on any status that disagrees with the table. Every refusal is problem
details and stores nothing.

A second test pins the table to the SPEC: for the SPEC's deal (owned by `sales`) and the
salesperson's own profile, the status each role gets is written out below by hand, so a change
to the table that lets someone do more than the SPEC allows fails here too.

The rows share one world (built once for the module); a row that changes something builds what
it changes fresh, so the rows do not depend on each other's order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug.exceptions import MethodNotAllowed

from app.api.access import Access, access_of
from app.db.models import Signature, TermsVersionRow, User
from app.extensions import db
from app.policy import POLICY
from app.services.users import issue_token
from tests.api.builders import (
    PEOPLE,
    PROBLEM_JSON,
    Caller,
    World,
    amend,
    deal_body,
    etag_of,
    price_cut,
    stored_counts,
    term_id_of,
    unique,
)

CALLERS = ("admin", "manager", "sales", "other_sales", "account_manager", "fulfillment")
NO_TOKEN = ("anonymous", "revoked")
ROLES = (*CALLERS, "anonymous")
SELLERS = ("sales", "other_sales")


@dataclass(frozen=True)
class Target:
    """Whose objects a call names: the user in `/users/{user}` and the owner of the deal."""

    caller: str
    user: str
    deal_owner: str

    @classmethod
    def own(cls, caller: str) -> Target:
        """The caller's own profile, and their own deal (a salesperson's) or a deal they do
        not own (everyone else owns none)."""
        return cls(caller, caller, caller if caller in SELLERS else "other_sales")

    @classmethod
    def others(cls, caller: str) -> Target:
        """Someone else's profile and deal: the SPEC's salesperson's, or for them the other
        salesperson's."""
        other = "other_sales" if caller == "sales" else "sales"
        return cls(caller, other, other)

    @classmethod
    def spec(cls, caller: str) -> Target:
        """The objects of the hand-written SPEC table: the `sales` user and their deal."""
        return cls(caller, "sales", "sales")

    @property
    def whose(self) -> str:
        return "own" if self.user == self.caller else "others"


@dataclass(frozen=True)
class Call:
    """What a row sends: values for its path, and a JSON body or raw data and headers."""

    path: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    data: bytes | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Matrix:
    """The shared world, with a deal and objects for each salesperson and a revoked token."""

    world: World
    deals: dict[str, int] = field(default_factory=dict)
    intro_terms: dict[str, int] = field(default_factory=dict)
    orders: dict[str, int] = field(default_factory=dict)
    revoked: Caller | None = None

    def deal(self, t: Target) -> int:
        return self.deals[t.deal_owner]

    def user(self, t: Target) -> int:
        return self.world.ids[t.user]


Builder = Callable[[Matrix, Target], Call]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    build: Builder
    spec: dict[str, int]

    @property
    def success(self) -> int:
        """The status of an allowed call (the SPEC table names it for someone)."""
        return min(self.spec.values())

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def allowed(status: int, *roles: str) -> dict[str, int]:
    """`status` for these roles, 403 for the other signed-in ones, 401 without a token."""
    return {**{r: (status if r in roles else 403) for r in CALLERS}, "anonymous": 401}


def everyone(status: int = 200) -> dict[str, int]:
    return allowed(status, *CALLERS)


def public(status: int = 200) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def never() -> dict[str, int]:
    """The method does not exist for this record, whoever asks."""
    return public(405)


def nothing(_: Matrix, __: Target) -> Call:
    return Call()


# --- builders of the rows that change something ------------------------------------------------


def new_user(_: Matrix, __: Target) -> Call:
    return Call(json={"email": f"{unique('new')}@seller.example", "name": "Nia New",
                      "roles": ["sales"], "timezone": "Europe/Berlin", "country": "DE"})


def new_token(_: Matrix, __: Target) -> Call:
    return Call(json={"label": "laptop"})


def token_to_revoke(m: Matrix, t: Target) -> Call:
    with m.world.app.app_context():
        issued = issue_token(db.session, None, m.user(t), "to revoke")
        return Call(path={"token": issued.token.id})


def working_hours(_: Matrix, __: Target) -> Call:
    return Call(json={"timezone": "America/Los_Angeles", "country": "US",
                      "working_hours": {d: [["08:00", "18:00"]]
                                        for d in ("mon", "tue", "wed", "thu", "fri")}})


def busy_block(_: Matrix, __: Target) -> Call:
    # Far from any kickoff window, so no row moves another row's kickoff.
    return Call(json={"blocks": [{"start": "2030-03-04T16:00:00Z", "end": "2030-03-04T18:00:00Z",
                                  "label": "QBR"}]})


def new_account(_: Matrix, __: Target) -> Call:
    return Call(json={"name": "Initech", "external_ref": unique("CRM-M"), "country": "US",
                      "timezone": "America/Chicago"})


def new_contact(_: Matrix, __: Target) -> Call:
    return Call(json={"name": "Peter Gibbons", "email": "peter@acme.example",
                      "title": "Engineer", "timezone": "America/Chicago"})


def new_product(_: Matrix, __: Target) -> Call:
    return Call(json={"sku": unique("M-"), "name": "Sprocket", "category": "widgets",
                      "list_price": "3.25", "currency": "USD"})


def standard_terms(_: Matrix, __: Target) -> Call:
    return Call(json={"terms": [{"kind": "payment_terms", "params": {"net_days": 30}},
                                {"kind": "incoterm", "params": {"code": "EXW",
                                                                "place": "Reno"}}]})


def spec_deal_body(world: World, owner: str) -> dict[str, Any]:
    """The SPEC's deal at the shared account, owned by `owner`."""
    return deal_body(world, world.ids["account"], [world.ids["contact"]],
                     sales_owner_id=world.ids[owner])


def new_deal(m: Matrix, t: Target) -> Call:
    """The deal made is owned by the target's salesperson: the caller's own, or another's."""
    return Call(json=spec_deal_body(m.world, t.deal_owner))


def fresh_deal(m: Matrix, t: Target) -> int:
    owner = m.world.callers[t.deal_owner]
    response = owner.post("/api/v1/deals", spec_deal_body(m.world, t.deal_owner))
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def deal_change(m: Matrix, t: Target) -> Call:
    return Call(json={"title": unique("Acme 2027 supply, rev ")},
                headers={"If-Match": etag_of(m.world, m.deal(t))})


def amendment(m: Matrix, t: Target) -> Call:
    clause = {"kind": "clause", "params": {"text": unique("Pallets wrapped in film, batch "),
                                           "review_on_order": False}}
    return Call(json={"reason": "Customer asked on the phone", "effective_from": "2027-02-01",
                      "add": [clause]},
                headers={"If-Match": etag_of(m.world, m.deal(t))})


def signature(m: Matrix, _: Target) -> Call:
    return Call(json={"version": 1, "signer": {"contact_id": m.world.ids["contact"]},
                      "typed_name": "Jane Buyer",
                      "decisions": [{"option": "extended_warranty", "decision": "decline"}]})


def acknowledgement(_: Matrix, __: Target) -> Call:
    return Call(json={"version": 1})


def note(m: Matrix, _: Target) -> Call:
    return Call(json={"channel": "call", "contact_id": m.world.ids["contact"],
                      "text": "Told Jane the extended warranty was declined; she agreed.",
                      "promises": [{"text": "Send carton artwork proof", "due": "2026-12-01"}]})


def reschedule(m: Matrix, t: Target) -> Call:
    return Call(path={"deal": fresh_deal(m, t)}, json={})


def held(m: Matrix, t: Target) -> Call:
    return Call(path={"deal": fresh_deal(m, t)}, json={"minutes": "Walked through the terms."})


def feed(m: Matrix, t: Target) -> Call:
    with m.world.app.app_context():
        user = db.session.get(User, m.user(t))
        assert user is not None
        return Call(path={"feed": user.feed_token})


def a_signature(m: Matrix, t: Target) -> Call:
    with m.world.app.app_context():
        first = db.session.scalars(db.select(Signature).join(TermsVersionRow).where(
            TermsVersionRow.deal_id == m.deal(t)).order_by(Signature.id)).first()
        assert first is not None
        return Call(path={"signature": first.id})


def an_order(m: Matrix, t: Target) -> dict[str, Any]:
    return {"deal_id": m.deal(t), "po_number": unique("PO-M"), "order_date": "2026-12-01",
            "requested_ship_date": "2026-12-04", "currency": "USD",
            "lines": [{"sku": "A-100", "quantity": 10, "unit_price": "10.00"}]}


def order_check(m: Matrix, t: Target) -> Call:
    return Call(json=an_order(m, t))


def order_batch(m: Matrix, t: Target) -> Call:
    csv = ("deal_id,po_number,order_date,requested_ship_date,currency,sku,quantity,unit_price\n"
           f"{m.deal(t)},{unique('PO-B')},2026-12-01,2026-12-04,USD,A-100,10,10.00\n")
    return Call(data=csv.encode(), content_type="text/csv")


def _fresh_review_item(m: Matrix, t: Target) -> tuple[int, int]:
    """A newly checked order on the target's deal and its first MANUAL_REVIEW item (the SPEC
    deal's carton clause is reviewed on every order)."""
    checked = m.world.fulfillment.post("/api/v1/orders/check", an_order(m, t))
    assert checked.status_code == 200, checked.json
    order = checked.json["order_id"]
    items = m.world.fulfillment.get(f"/api/v1/orders/{order}/reviews").json["items"]
    return order, items[0]["deviation_id"]


def review(m: Matrix, t: Target) -> Call:
    order, deviation = _fresh_review_item(m, t)
    return Call(path={"order": order}, json={"deviation_id": deviation, "note": "Logo seen"})


def question(m: Matrix, t: Target) -> Call:
    order, deviation = _fresh_review_item(m, t)
    return Call(path={"order": order},
                json={"deviation_id": deviation, "text": "Is the logo still wanted?"})


def answer(m: Matrix, t: Target) -> Call:
    asked = question(m, t)
    made = m.world.fulfillment.post(f"/api/v1/orders/{asked.path['order']}/questions",
                                    asked.json)
    assert made.status_code == 201, made.json
    return Call(path={**asked.path, "question": made.json["id"]},
                json={"text": "Yes: the logo on every carton."})


def hold(_: Matrix, __: Target) -> Call:
    return Call(json={"action": "hold", "reason": "Waiting for the customer's artwork."})


def severities(_: Matrix, __: Target) -> Call:
    return Call(json={"severities": {"MANUAL_REVIEW": "info"}})


V1 = "/api/v1"
DEAL = V1 + "/deals/{deal}"
USER = V1 + "/users/{user}"

ROUTES = [
    Route("GET", V1 + "/health", nothing, public(200)),
    Route("GET", V1 + "/ping", nothing, public(200)),
    Route("GET", V1 + "/openapi.json", nothing, public(200)),
    Route("GET", V1 + "/docs", nothing, public(200)),
    # users: the admin manages them; a user handles their own tokens and time
    Route("POST", V1 + "/users", new_user, allowed(201, "admin")),
    Route("GET", V1 + "/users", nothing, allowed(200, "admin", "manager")),
    Route("GET", USER, nothing, allowed(200, "admin", "manager", "sales")),
    Route("POST", USER + "/tokens", new_token, allowed(201, "admin", "sales")),
    Route("DELETE", USER + "/tokens/{token}", token_to_revoke,
          allowed(204, "admin", "sales")),
    Route("PUT", USER + "/availability", working_hours,
          allowed(200, "admin", "manager", "sales")),
    Route("POST", USER + "/busy", busy_block, allowed(201, "admin", "manager", "sales")),
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
    # orders: everyone but the admin checks them; fulfillment and managers decide
    Route("POST", V1 + "/orders/check", order_check,
          allowed(200, "manager", "sales", "other_sales", "account_manager", "fulfillment")),
    Route("POST", V1 + "/orders/check-batch", order_batch,
          allowed(200, "manager", "sales", "other_sales", "account_manager", "fulfillment")),
    Route("GET", V1 + "/orders", nothing, everyone()),
    Route("GET", V1 + "/orders/{order}", nothing, everyone()),
    Route("POST", V1 + "/orders/{order}/decision", hold, allowed(201, "manager", "fulfillment")),
    Route("GET", V1 + "/orders/{order}/reviews", nothing, everyone()),
    Route("POST", V1 + "/orders/{order}/reviews", review, allowed(201, "manager", "fulfillment")),
    Route("GET", V1 + "/orders/{order}/questions", nothing, everyone()),
    Route("POST", V1 + "/orders/{order}/questions", question,
          allowed(201, "manager", "fulfillment")),
    # an answer comes from the salesperson of the order's deal, or a manager
    Route("POST", V1 + "/orders/{order}/questions/{question}/answer", answer,
          allowed(201, "manager", "sales")),
    # settings: read by everyone, changed by the admin
    Route("GET", V1 + "/settings/severities", nothing, everyone()),
    Route("PUT", V1 + "/settings/severities", severities, allowed(200, "admin")),
    # the audit log: read by managers and admins, changed by nobody
    Route("GET", V1 + "/audit", nothing, allowed(200, "admin", "manager")),
    Route("GET", V1 + "/audit/verify", nothing, allowed(200, "admin", "manager")),
    Route("GET", V1 + "/audit/1", nothing, allowed(200, "admin", "manager")),
    Route("PUT", V1 + "/audit/1", nothing, never()),
    Route("PATCH", V1 + "/audit/1", nothing, never()),
    Route("DELETE", V1 + "/audit/1", nothing, never()),
    Route("DELETE", V1 + "/audit", nothing, never()),
]


# --- the world ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix(shared: World) -> Matrix:
    """The SPEC's deal of `sales` (from `shared`), the same deal owned by `other_sales`, an
    order checked on each, and a token of the admin's that has been revoked."""
    m = Matrix(shared)
    m.deals["sales"] = shared.ids["deal"]
    m.intro_terms["sales"] = shared.ids["intro_term"]
    created = shared.other_sales.post("/api/v1/deals", spec_deal_body(shared, "other_sales"))
    assert created.status_code == 201, created.json
    m.deals["other_sales"] = created.json["id"]
    m.intro_terms["other_sales"] = term_id_of(created.json, "unit_price")
    response = amend(shared, created.json["id"], price_cut(m.intro_terms["other_sales"]),
                     as_role="other_sales")
    assert response.status_code == 201, response.json
    response = shared.other_sales.post(f"/api/v1/deals/{created.json['id']}/signatures",
                                       signature(m, Target.own("other_sales")).json)
    assert response.status_code == 201, response.json
    for owner in SELLERS:
        checked = shared.fulfillment.post("/api/v1/orders/check",
                                          an_order(m, Target("sales", owner, owner)))
        assert checked.status_code == 200, checked.json
        m.orders[owner] = checked.json["order_id"]
    issued = shared.admin.post(f"/api/v1/users/{shared.ids['admin']}/tokens",
                               {"label": "to revoke"})
    assert issued.status_code == 201, issued.json
    revoked = shared.admin.delete(
        f"/api/v1/users/{shared.ids['admin']}/tokens/{issued.json['id']}")
    assert revoked.status_code == 204
    m.revoked = Caller(shared.client, issued.json["token"], shared.ids["admin"])
    return m


def path_of(m: Matrix, route: Route, t: Target, call: Call) -> str:
    values = {**m.world.ids, "deal": m.deal(t), "user": m.user(t),
              "intro_term": m.intro_terms[t.deal_owner], "order": m.orders[t.deal_owner],
              **call.path}
    return route.path.format(**values)


def declared(m: Matrix, route: Route, path: str) -> Access | None:
    """The policy the route serving `path` declares; None when no such method exists."""
    adapter = m.world.app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path.split("?", maxsplit=1)[0], method=route.method)
    except MethodNotAllowed:
        return None
    found = access_of(m.world.app, endpoint, route.method)
    assert found is not None, f"{route} declares no policy action"
    return found


def owner_ids(m: Matrix, t: Target) -> tuple[int, int]:
    """(user id named in the path, sales owner of the deal named in the path)."""
    return m.user(t), m.world.ids[t.deal_owner]


def table_says(access: Access | None, route: Route, caller: str, user_id: int,
               deal_owner_id: int, caller_id: int | None) -> int:
    """The status the policy table gives this caller for this route and these objects."""
    if access is None or access.kind == "permanent":
        return 405
    if access.kind == "public":
        return route.success
    if caller in NO_TOKEN:
        return 401
    assert access.action is not None
    rule = POLICY[access.action]
    roles = set(PEOPLE[caller][2])
    ok = bool(rule.roles & roles) \
        or (rule.self_allowed and access.subject is not None and user_id == caller_id) \
        or (bool(rule.own & roles) and (access.deal or access.owner or access.order) is not None
            and deal_owner_id == caller_id)
    return route.success if ok else 403


# --- the tests ---------------------------------------------------------------------------------


def test_every_api_route_declares_its_policy_and_is_in_the_table(matrix: Matrix):
    """A new route cannot slip past: each rule and method of the URL map under /api/v1 has a
    policy declaration and a row here."""
    covered = {(r.method, re.sub(r"\{[^}]+\}", "*", r.path.split("?")[0])) for r in ROUTES}
    undeclared, untested = [], []
    app = matrix.world.app
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "docs_assets":
            continue
        path = re.sub(r"<[^>]+>", "*", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if access_of(app, rule.endpoint, method) is None:
                undeclared.append(f"{method} {rule.rule}")
            if (method, path) not in covered and not _covered_by_literal(method, path, covered):
                untested.append(f"{method} {rule.rule}")
    assert not undeclared, f"routes without a policy declaration: {undeclared}"
    assert not untested, f"routes missing from the table: {untested}"


def _covered_by_literal(method: str, path: str, covered: set[tuple[str, str]]) -> bool:
    """Rows name version 1 and audit event 1 literally; they stand for the `*` of the rule."""
    return any(m == method and re.fullmatch(re.escape(path).replace(r"\*", "[^/]+"), p)
               for m, p in covered)


def test_every_declared_action_is_in_the_policy_table(matrix: Matrix):
    app = matrix.world.app
    actions = {a.action for rule in app.url_map.iter_rules()
               for method in (rule.methods or set())
               if (a := access_of(app, rule.endpoint, method)) is not None and a.action}
    assert actions and actions <= set(POLICY)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_the_table_gives_each_role_what_the_spec_gives_it(matrix: Matrix, route: Route,
                                                         role: str):
    """The hand-written SPEC expectations (the `sales` user and deal) agree with the table."""
    target = Target.spec(role)
    call = Call(path={"token": 1, "signature": 1, "feed": "x", "question": 1})
    access = declared(matrix, route, path_of(matrix, route, target, call))
    user_id, deal_owner_id = owner_ids(matrix, target)

    says = table_says(access, route, role, user_id, deal_owner_id, matrix.world.ids.get(role))

    assert says == route.spec[role]


TARGETS = [(caller, whose) for caller in CALLERS for whose in ("own", "others")] \
    + [(none, "others") for none in NO_TOKEN]


@pytest.mark.parametrize(("role", "whose"), TARGETS, ids=lambda v: v)
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_each_call_gets_the_status_the_table_gives_it(matrix: Matrix, route: Route, role: str,
                                                      whose: str):
    target = Target.own(role) if whose == "own" else Target.spec(role) \
        if role in NO_TOKEN else Target.others(role)
    call = route.build(matrix, target)
    path = path_of(matrix, route, target, call)
    user_id, deal_owner_id = owner_ids(matrix, target)
    caller_id = matrix.world.ids.get(role) if role not in NO_TOKEN else None
    expected = table_says(declared(matrix, route, path), route, role, user_id, deal_owner_id,
                          caller_id)
    caller = {"anonymous": matrix.world.anonymous, "revoked": matrix.revoked}.get(role) \
        or matrix.world.callers[role]
    before = stored_counts(matrix.world)

    response = caller.client.open(path, method=route.method, json=call.json, data=call.data,
                                  content_type=call.content_type,
                                  headers=caller._headers(call.headers))

    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if expected >= 400:
        assert response.mimetype == PROBLEM_JSON
        assert response.json["status"] == expected
        assert stored_counts(matrix.world) == before, "a refused request stored something"
    if expected == 401:
        assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")
    if expected == 405:
        assert response.headers.get("Allow"), "a 405 names the methods that do exist"

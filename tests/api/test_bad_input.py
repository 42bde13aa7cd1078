"""Bad input of every kind the SPEC names is refused with 422 problem details whose `errors` map
names the field, and nothing at all is stored.

One table: each case says who sends what where, and which field the answer must name. The cases
share one world; each must leave every table exactly as it found it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.api.builders import (
    World,
    assert_problem,
    deal_body,
    etag_of,
    spec_terms,
    stored_counts,
)

Body = Callable[[World], Any] | Any


@dataclass(frozen=True)
class Bad:
    what: str
    role: str
    method: str
    path: str
    body: Body
    fields: tuple[str, ...]
    if_match: bool = False
    content_type: str = ""
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.what


def user(**changes: Any) -> dict[str, Any]:
    return {"email": "nia@seller.example", "name": "Nia New", "roles": ["sales"],
            "timezone": "Europe/Berlin", "country": "DE", **changes}


def hours(**days: Any) -> dict[str, Any]:
    return {"timezone": "America/Los_Angeles", "country": "US",
            "working_hours": {"mon": [["09:00", "17:00"]], **days}}


def account(**changes: Any) -> dict[str, Any]:
    return {"name": "Initech", "external_ref": "CRM-7000", "country": "US",
            "timezone": "America/Chicago", **changes}


def contact(**changes: Any) -> dict[str, Any]:
    return {"name": "Peter Gibbons", "email": "peter@acme.example", "title": "Engineer",
            "timezone": "America/Chicago", **changes}


def product(**changes: Any) -> dict[str, Any]:
    return {"sku": "C-300", "name": "Sprocket", "category": "widgets", "list_price": "3.25",
            "currency": "USD", **changes}


def without(body: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != name}


def deal(**changes: Any) -> Callable[[World], dict[str, Any]]:
    """The SPEC's deal with some fields changed."""
    def build(world: World) -> dict[str, Any]:
        body = deal_body(world, world.ids["account"], [world.ids["contact"]])
        body.update({k: (v(world) if callable(v) else v) for k, v in changes.items()})
        return body
    return build


def deal_lacking(name: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: without(deal()(world), name)


def deal_with_term(term: Any) -> Callable[[World], dict[str, Any]]:
    """The SPEC's deal whose first term is `term`."""
    return deal(terms=[term, *spec_terms()[1:]])


def price_term(**params: Any) -> dict[str, Any]:
    return {"kind": "unit_price", "params": {"sku": "A-100", "price": "10.00", **params}}


def amendment(**changes: Any) -> Callable[[World], dict[str, Any]]:
    """A valid amendment (a new clause) with some fields changed; callables get the world."""
    def build(world: World) -> dict[str, Any]:
        body: dict[str, Any] = {
            "reason": "Agreed with Jane Buyer by phone", "effective_from": "2027-02-01",
            "add": [{"kind": "clause", "params": {"text": "Pallets wrapped in film",
                                                  "review_on_order": False}}]}
        body.update({k: (v(world) if callable(v) else v) for k, v in changes.items()})
        return {k: v for k, v in body.items() if v is not ...}
    return build


def replacing(**term: Any) -> Callable[[World], list[dict[str, Any]]]:
    """A replace list of one item for the intro price tier (version 2's is a replacement)."""
    def build(world: World) -> list[dict[str, Any]]:
        item = {"term_id": _newest_intro(world), "kind": "unit_price",
                "params": {"sku": "A-100", "price": "9.25", "max_quantity": 99}}
        item.update({k: (v(world) if callable(v) else v) for k, v in term.items()})
        return [{k: v for k, v in item.items() if v is not ...}]
    return build


def _newest_intro(world: World) -> int:
    response = world.manager.get(f"/api/v1/deals/{world.ids['deal']}")
    return int(next(t["id"] for t in response.json["terms_version"]["terms"]
                    if t["kind"] == "unit_price"))


def signature(**changes: Any) -> Callable[[World], dict[str, Any]]:
    def build(world: World) -> dict[str, Any]:
        body: dict[str, Any] = {
            "version": 1, "signer": {"contact_id": world.ids["contact"]},
            "typed_name": "Jane Buyer",
            "decisions": [{"option": "extended_warranty", "decision": "decline"}]}
        body.update({k: (v(world) if callable(v) else v) for k, v in changes.items()})
        return body
    return build


def note(**changes: Any) -> Callable[[World], dict[str, Any]]:
    def build(world: World) -> dict[str, Any]:
        body: dict[str, Any] = {
            "channel": "call", "contact_id": world.ids["contact"],
            "text": "Told Jane the extended warranty was declined; she agreed.",
            "promises": [{"text": "Send carton artwork proof", "due": "2026-12-01"}]}
        body.update({k: (v(world) if callable(v) else v) for k, v in changes.items()})
        return body
    return build


def ids(name: str) -> Callable[[World], int]:
    return lambda world: world.ids[name]


USERS = "/api/v1/users"
SALES_USER = "/api/v1/users/{sales}"
DEALS = "/api/v1/deals"
DEAL = "/api/v1/deals/{deal}"
CSV_HEAD = b"sku,name,category,list_price,currency\n"

CASES = [
    # --- users ----------------------------------------------------------------------------
    Bad("user with an unknown field", "admin", "POST", USERS, user(nickname="Nia"),
        ("nickname",)),
    Bad("user with an unknown role", "admin", "POST", USERS, user(roles=["wizard"]),
        ("roles.0",)),
    Bad("user with no role", "admin", "POST", USERS, user(roles=[]), ("roles",)),
    Bad("user in an unknown time zone", "admin", "POST", USERS, user(timezone="Mars/Olympus"),
        ("timezone",)),
    Bad("user in an unknown country", "admin", "POST", USERS, user(country="XX"),
        ("country",)),
    Bad("user with a malformed email", "admin", "POST", USERS, user(email="nia-at-seller"),
        ("email",)),
    Bad("user without a name", "admin", "POST", USERS, without(user(), "name"), ("name",)),
    Bad("user whose name is a number", "admin", "POST", USERS, user(name=42), ("name",)),
    Bad("token label that is not text", "sales", "POST", SALES_USER + "/tokens",
        {"label": 5}, ("label",)),
    Bad("token with an unknown field", "sales", "POST", SALES_USER + "/tokens",
        {"label": "laptop", "scope": "all"}, ("scope",)),
    # --- availability and busy time ---------------------------------------------------------
    Bad("working hours in an unknown time zone", "sales", "PUT", SALES_USER + "/availability",
        {**hours(), "timezone": "Pacific/Atlantis"}, ("timezone",)),
    Bad("working hours in an unknown holiday country", "sales", "PUT",
        SALES_USER + "/availability", {**hours(), "country": "ZZ"}, ("country",)),
    Bad("working hours on an unknown weekday", "sales", "PUT", SALES_USER + "/availability",
        hours(funday=[["09:00", "17:00"]]), ("working_hours.funday",)),
    Bad("working hours at 25 o'clock", "sales", "PUT", SALES_USER + "/availability",
        hours(tue=[["09:00", "25:00"]]), ("working_hours.tue.0",)),
    Bad("working hours that start and end at once", "sales", "PUT",
        SALES_USER + "/availability", hours(wed=[["09:00", "09:00"]]), ("working_hours.wed.0",)),
    Bad("working hours as a list", "sales", "PUT", SALES_USER + "/availability",
        {**hours(), "working_hours": [["09:00", "17:00"]]}, ("working_hours",)),
    Bad("working hours left out", "sales", "PUT", SALES_USER + "/availability",
        without(hours(), "working_hours"), ("working_hours",)),
    Bad("availability with an unknown field", "sales", "PUT", SALES_USER + "/availability",
        {**hours(), "lunch": "12:00"}, ("lunch",)),
    Bad("busy block that ends before it starts", "sales", "POST", SALES_USER + "/busy",
        {"blocks": [{"start": "2026-12-01T18:00:00Z", "end": "2026-12-01T16:00:00Z"}]},
        ("blocks.0.end",)),
    Bad("busy block without a UTC offset", "sales", "POST", SALES_USER + "/busy",
        {"blocks": [{"start": "2026-12-01T16:00:00", "end": "2026-12-01T18:00:00Z"}]},
        ("blocks.0.start",)),
    Bad("busy block that is not a date", "sales", "POST", SALES_USER + "/busy",
        {"blocks": [{"start": "tomorrow", "end": "2026-12-01T18:00:00Z"}]},
        ("blocks.0.start",)),
    Bad("busy block with an unknown field", "sales", "POST", SALES_USER + "/busy",
        {"blocks": [{"start": "2026-12-01T16:00:00Z", "end": "2026-12-01T18:00:00Z",
                     "room": "4B"}]}, ("blocks.0.room",)),
    Bad("no busy blocks at all", "sales", "POST", SALES_USER + "/busy", {"blocks": []},
        ("blocks",)),
    Bad("busy time that is neither JSON nor a calendar", "sales", "POST", SALES_USER + "/busy",
        b"Tuesday afternoon", ("body",), content_type="text/plain"),
    Bad("unreadable calendar sent as text/calendar", "sales", "POST", SALES_USER + "/busy",
        b"BEGIN:VCALENDAR\nthis is not a calendar", ("file",), content_type="text/calendar"),
    Bad("unreadable calendar uploaded as a file", "sales", "POST", SALES_USER + "/busy", None,
        ("file",), files={"file": (b"not a calendar at all", "busy.ics")}),
    # --- accounts and contacts --------------------------------------------------------------
    Bad("account in an unknown country", "sales", "POST", "/api/v1/accounts",
        account(country="Narnia"), ("country",)),
    Bad("account in an unknown time zone", "sales", "POST", "/api/v1/accounts",
        account(timezone="Chicago"), ("timezone",)),
    Bad("account with an unknown field", "sales", "POST", "/api/v1/accounts",
        account(industry="tools"), ("industry",)),
    Bad("account without a name", "sales", "POST", "/api/v1/accounts",
        without(account(), "name"), ("name",)),
    Bad("account with an empty name", "sales", "POST", "/api/v1/accounts", account(name=""),
        ("name",)),
    Bad("account with a blank name", "sales", "POST", "/api/v1/accounts", account(name="  "),
        ("name",)),
    Bad("account whose reference is a number", "sales", "POST", "/api/v1/accounts",
        account(external_ref=42), ("external_ref",)),
    Bad("contact with a malformed email", "sales", "POST", "/api/v1/accounts/{account}/contacts",
        contact(email="peter"), ("email",)),
    Bad("contact in an unknown time zone", "sales", "POST",
        "/api/v1/accounts/{account}/contacts", contact(timezone="Central"), ("timezone",)),
    Bad("contact with an unknown field", "sales", "POST", "/api/v1/accounts/{account}/contacts",
        contact(phone="555-0100"), ("phone",)),
    # --- products ---------------------------------------------------------------------------
    Bad("list price as a JSON number", "admin", "POST", "/api/v1/products",
        product(list_price=12.0), ("list_price",)),
    Bad("list price that is not a number", "admin", "POST", "/api/v1/products",
        product(list_price="twelve"), ("list_price",)),
    Bad("negative list price", "admin", "POST", "/api/v1/products",
        product(list_price="-1.00"), ("list_price",)),
    Bad("product in an unknown currency", "admin", "POST", "/api/v1/products",
        product(currency="XYZ"), ("currency",)),
    Bad("product with an unknown field", "admin", "POST", "/api/v1/products",
        product(colour="red"), ("colour",)),
    Bad("product without a SKU", "admin", "POST", "/api/v1/products", without(product(), "sku"),
        ("sku",)),
    Bad("product list with one bad row", "admin", "POST", "/api/v1/products",
        [product(), product(sku="C-301", list_price=3)], ("1.list_price",)),
    Bad("product list naming a SKU twice", "admin", "POST", "/api/v1/products",
        [product(), product(name="Sprocket again")], ("1.sku",)),
    Bad("empty product list", "admin", "POST", "/api/v1/products", [], ("products",)),
    Bad("product that is a bare string", "admin", "POST", "/api/v1/products", "C-300",
        ("body",)),
    Bad("CSV with one bad row", "admin", "POST", "/api/v1/products",
        CSV_HEAD + b"C-300,Sprocket,widgets,3.25,USD\nC-301,Cog,widgets,cheap,USD\n",
        ("1.list_price",), content_type="text/csv"),
    Bad("CSV lacking the currency column", "admin", "POST", "/api/v1/products",
        b"sku,name,category,list_price\nC-300,Sprocket,widgets,3.25\n", ("file",),
        content_type="text/csv"),
    Bad("uploaded CSV file in an unknown currency", "admin", "POST", "/api/v1/products", None,
        ("0.currency",), files={"file": (CSV_HEAD + b"C-300,Sprocket,widgets,3.25,ABC\n",
                                         "products.csv")}),
    # --- standard terms ---------------------------------------------------------------------
    Bad("standard terms with an unknown Incoterm", "admin", "PUT", "/api/v1/standard-terms",
        {"terms": [{"kind": "incoterm", "params": {"code": "XYZ", "place": "Reno"}}]},
        ("terms.0.params.code",)),
    Bad("standard terms with an unknown kind", "admin", "PUT", "/api/v1/standard-terms",
        {"terms": [{"kind": "bonus", "params": {}}]}, ("terms.0.kind",)),
    Bad("standard payment days in words", "admin", "PUT", "/api/v1/standard-terms",
        {"terms": [{"kind": "payment_terms", "params": {"net_days": "thirty"}}]},
        ("terms.0.params.net_days",)),
    Bad("standard terms that are not a list", "admin", "PUT", "/api/v1/standard-terms",
        {"terms": {"kind": "currency"}}, ("terms",)),
    Bad("standard terms with an unknown field", "admin", "PUT", "/api/v1/standard-terms",
        {"terms": [], "effective": "2027-01-01"}, ("effective",)),
    # --- closing a deal ---------------------------------------------------------------------
    Bad("price as a JSON number", "sales", "POST", DEALS,
        deal_with_term(price_term(price=10)), ("terms.0.params.price",)),
    Bad("price as a JSON float", "sales", "POST", DEALS,
        deal_with_term(price_term(price=9.5)), ("terms.0.params.price",)),
    Bad("discount percent as a JSON number", "sales", "POST", DEALS,
        deal_with_term({"kind": "discount", "params": {"percent": 7.5}}),
        ("terms.0.params.percent",)),
    Bad("term of an unknown kind", "sales", "POST", DEALS,
        deal_with_term({"kind": "bonus", "params": {}}), ("terms.0.kind",)),
    Bad("term with an unknown Incoterm", "sales", "POST", DEALS,
        deal_with_term({"kind": "incoterm", "params": {"code": "FOO", "place": "Oakland"}}),
        ("terms.0.params.code",)),
    Bad("currency term with an unknown currency", "sales", "POST", DEALS,
        deal_with_term({"kind": "currency", "params": {"code": "DOGE"}}),
        ("terms.0.params.code",)),
    Bad("term valid from after it is valid to", "sales", "POST", DEALS,
        deal_with_term({**price_term(), "valid_from": "2027-03-01", "valid_to": "2027-01-31"}),
        ("terms.0.valid_to",)),
    Bad("term valid from a day that does not exist", "sales", "POST", DEALS,
        deal_with_term({**price_term(), "valid_from": "2027-02-30"}), ("terms.0.valid_from",)),
    Bad("term with an unknown parameter", "sales", "POST", DEALS,
        deal_with_term(price_term(colour="red")), ("terms.0.params.colour",)),
    Bad("term with an unknown field", "sales", "POST", DEALS,
        deal_with_term({**price_term(), "agreed_by": "Jane"}), ("terms.0.agreed_by",)),
    Bad("term that is not an object", "sales", "POST", DEALS, deal_with_term("cheap widgets"),
        ("terms.0",)),
    Bad("quantity of zero", "sales", "POST", DEALS,
        deal_with_term(price_term(max_quantity=0)), ("terms.0.params.max_quantity",)),
    Bad("quantity as a string", "sales", "POST", DEALS,
        deal_with_term(price_term(max_quantity="99")), ("terms.0.params.max_quantity",)),
    Bad("option decision that is not accept, decline or pending", "sales", "POST", DEALS,
        deal_with_term({"kind": "option", "params": {"name": "extended_warranty",
                                                     "decision": "maybe", "terms": "3 years"}}),
        ("terms.0.params.decision",)),
    Bad("terms that are not a list", "sales", "POST", DEALS, deal(terms="cheap"), ("terms",)),
    Bad("deal in an unknown currency", "sales", "POST", DEALS, deal(currency="EURO"),
        ("currency",)),
    Bad("deal without a currency", "sales", "POST", DEALS, deal_lacking("currency"),
        ("currency",)),
    Bad("deal without a title", "sales", "POST", DEALS, deal_lacking("title"), ("title",)),
    Bad("first shipment on the 13th month", "sales", "POST", DEALS,
        deal(first_shipment_date="2026-13-01"), ("first_shipment_date",)),
    Bad("first shipment before the close", "sales", "POST", DEALS,
        deal(first_shipment_date="2026-11-01"), ("first_shipment_date",)),
    Bad("close time without a UTC offset", "sales", "POST", DEALS,
        deal(closed_at="2026-11-20T17:00:00"), ("closed_at",)),
    Bad("deal with an unknown field", "sales", "POST", DEALS, deal(discount="5"),
        ("discount",)),
    Bad("account id in words", "sales", "POST", DEALS, deal(account_id="three"),
        ("account_id",)),
    Bad("account that does not exist", "sales", "POST", DEALS, deal(account_id=99999),
        ("account_id",)),
    Bad("account manager who is not one", "sales", "POST", DEALS,
        deal(account_manager_id=ids("fulfillment")), ("account_manager_id",)),
    Bad("fulfillment lead who does not exist", "sales", "POST", DEALS,
        deal(fulfillment_lead_id=99999), ("fulfillment_lead_id",)),
    Bad("contact of another account", "sales", "POST", DEALS,
        deal(contact_ids=lambda w: [w.ids["other_contact"]]), ("contact_ids.0",)),
    # --- changing a deal --------------------------------------------------------------------
    Bad("first shipment that is not a date", "sales", "PATCH", DEAL,
        {"first_shipment_date": "soon"}, ("first_shipment_date",), if_match=True),
    Bad("change that changes nothing", "sales", "PATCH", DEAL, {}, ("body",), if_match=True),
    Bad("change of a field that cannot be set", "sales", "PATCH", DEAL,
        {"status": "shipping"}, ("status",), if_match=True),
    Bad("change to an empty title", "sales", "PATCH", DEAL, {"title": ""}, ("title",),
        if_match=True),
    Bad("change to an account manager who is not one", "sales", "PATCH", DEAL,
        lambda w: {"account_manager_id": w.ids["other_sales"]}, ("account_manager_id",),
        if_match=True),
    # --- amendments -------------------------------------------------------------------------
    Bad("empty amendment", "sales", "POST", DEAL + "/amendments", amendment(add=[]),
        ("amendment",), if_match=True),
    Bad("amendment replacing an unknown term id", "sales", "POST", DEAL + "/amendments",
        amendment(add=[], replace=replacing(term_id=99999)), ("replace.0.term_id",),
        if_match=True),
    Bad("amendment replacing a term of the old version", "sales", "POST",
        DEAL + "/amendments", amendment(add=[], replace=replacing(term_id=ids("intro_term"))),
        ("replace.0.term_id",), if_match=True),
    Bad("amendment removing an unknown term id", "sales", "POST", DEAL + "/amendments",
        amendment(remove=[99999]), ("remove.0",), if_match=True),
    Bad("amendment removing a SKU instead of a term id", "sales", "POST",
        DEAL + "/amendments", amendment(remove=["A-100"]), ("remove.0",), if_match=True),
    Bad("amendment without a reason", "sales", "POST", DEAL + "/amendments",
        amendment(reason=...), ("reason",), if_match=True),
    Bad("amendment with a blank reason", "sales", "POST", DEAL + "/amendments",
        amendment(reason="   "), ("reason",), if_match=True),
    Bad("amendment effective from next week, in words", "sales", "POST",
        DEAL + "/amendments", amendment(effective_from="next week"), ("effective_from",),
        if_match=True),
    Bad("amendment effective before the version it amends", "sales", "POST",
        DEAL + "/amendments", amendment(effective_from="2026-12-01"), ("effective_from",),
        if_match=True),
    Bad("replacement of another kind", "sales", "POST", DEAL + "/amendments",
        amendment(add=[], replace=replacing(kind="discount", params={"percent": "5"})),
        ("replace.0.kind",), if_match=True),
    Bad("replacement without params", "sales", "POST", DEAL + "/amendments",
        amendment(add=[], replace=replacing(params=...)), ("replace.0.params",),
        if_match=True),
    Bad("replacement identical to the term", "sales", "POST", DEAL + "/amendments",
        amendment(add=[], replace=replacing(params={"sku": "A-100", "price": "9.50",
                                                    "max_quantity": 99})),
        ("replace.0",), if_match=True),
    Bad("the same term replaced twice", "sales", "POST", DEAL + "/amendments",
        amendment(add=[], replace=lambda w: replacing()(w) + replacing(
            params={"sku": "A-100", "price": "9.00", "max_quantity": 99})(w)),
        ("replace.1.term_id",), if_match=True),
    Bad("added price as a JSON number", "sales", "POST", DEAL + "/amendments",
        amendment(add=[price_term(price=8)]), ("add.0.params.price",), if_match=True),
    Bad("amendment with an unknown field", "sales", "POST", DEAL + "/amendments",
        amendment(comment="as discussed"), ("comment",), if_match=True),
    # --- signatures -------------------------------------------------------------------------
    Bad("typed name that is not the signer's", "sales", "POST", DEAL + "/signatures",
        signature(typed_name="J. Buyer"), ("typed_name",)),
    Bad("decision on an option the version lacks", "sales", "POST", DEAL + "/signatures",
        signature(decisions=[{"option": "free_installation", "decision": "accept"}]),
        ("decisions.0.option",)),
    Bad("decision contradicting the recorded one", "sales", "POST", DEAL + "/signatures",
        signature(decisions=[{"option": "extended_warranty", "decision": "accept"}]),
        ("decisions.0.decision",)),
    Bad("decision that is neither accept nor decline", "sales", "POST", DEAL + "/signatures",
        signature(decisions=[{"option": "extended_warranty", "decision": "maybe"}]),
        ("decisions.0.decision",)),
    Bad("signer at another account", "sales", "POST", DEAL + "/signatures",
        signature(signer=lambda w: {"contact_id": w.ids["other_contact"]},
                  typed_name="Hank Scorpio"), ("signer.contact_id",)),
    Bad("signature naming no signer", "sales", "POST", DEAL + "/signatures",
        signature(signer={}), ("signer",)),
    Bad("signature naming two signers", "sales", "POST", DEAL + "/signatures",
        signature(signer=lambda w: {"contact_id": w.ids["contact"], "user_id": w.ids["sales"]}),
        ("signer",)),
    Bad("signature over another digest", "sales", "POST", DEAL + "/signatures",
        signature(digest="0" * 64), ("digest",)),
    Bad("signature of version one in words", "sales", "POST", DEAL + "/signatures",
        signature(version="one"), ("version",)),
    Bad("signature with an unknown field", "sales", "POST", DEAL + "/signatures",
        signature(agreed=True), ("agreed",)),
    # --- acknowledgements and notes ---------------------------------------------------------
    Bad("acknowledgement of version one in words", "account_manager", "POST",
        DEAL + "/acknowledgements", {"version": "one"}, ("version",)),
    Bad("acknowledgement of version zero", "account_manager", "POST",
        DEAL + "/acknowledgements", {"version": 0}, ("version",)),
    Bad("acknowledgement of no version", "account_manager", "POST",
        DEAL + "/acknowledgements", {}, ("version",)),
    Bad("promise due on no real date", "account_manager", "POST", DEAL + "/notes",
        note(promises=[{"text": "Send the proof", "due": "2026-11-31"}]), ("promises.0.due",)),
    Bad("promise without a due date", "account_manager", "POST", DEAL + "/notes",
        note(promises=[{"text": "Send the proof"}]), ("promises.0.due",)),
    Bad("note without text", "account_manager", "POST", DEAL + "/notes",
        lambda w: without(note()(w), "text"), ("text",)),
    Bad("note on an unknown channel", "account_manager", "POST", DEAL + "/notes",
        note(channel="pigeon"), ("channel",)),
    Bad("note about a term of no deal", "account_manager", "POST", DEAL + "/notes",
        note(term_ids=[99999]), ("term_ids.0",)),
    Bad("note with a contact at another account", "account_manager", "POST", DEAL + "/notes",
        note(contact_id=ids("other_contact")), ("contact_id",)),
    Bad("note with an unknown field", "account_manager", "POST", DEAL + "/notes",
        note(mood="happy"), ("mood",)),
    # --- what no table can hold -------------------------------------------------------------
    Bad("contact named twice on a deal", "sales", "POST", DEALS,
        deal(contact_ids=lambda w: [w.ids["contact"]] * 2), ("contact_ids.1",)),
    Bad("contact named twice in a change", "sales", "PATCH", DEAL,
        lambda w: {"contact_ids": [w.ids["contact"]] * 2}, ("contact_ids.1",), if_match=True),
    Bad("account id beyond any id", "sales", "POST", DEALS, deal(account_id=2**31),
        ("account_id",)),
    Bad("signature of a version number beyond any", "sales", "POST", DEAL + "/signatures",
        signature(version=2**31), ("version",)),
    Bad("acknowledgement of a version number beyond any", "account_manager", "POST",
        DEAL + "/acknowledgements", {"version": 10**20}, ("version",)),
    Bad("account name holding a NUL character", "sales", "POST", "/api/v1/accounts",
        account(name="Acme\x00Tools"), ("name",)),
    Bad("term note holding a NUL character", "sales", "POST", DEALS,
        deal_with_term({**price_term(), "note": "intro\x00price"}), ("terms.0.note",)),
    Bad("search holding a NUL character", "manager", "GET", DEALS + "?q=Acme%00", None,
        ("q",)),
    Bad("CSV holding a NUL character", "admin", "POST", "/api/v1/products",
        CSV_HEAD + b"C-300,Sprocket\x00,widgets,3.25,USD\n", ("body",),
        content_type="text/csv"),
    Bad("CSV row with more values than the header", "admin", "POST", "/api/v1/products",
        b"sku,name,category,list_price,currency,colour\nC-300,Sprocket,widgets,3.25,USD,red,big\n",
        ("0",), content_type="text/csv"),
    Bad("promise due in the year 1", "account_manager", "POST", DEAL + "/notes",
        note(promises=[{"text": "Send the proof", "due": "0001-01-01"}]), ("promises.0.due",)),
    Bad("busy time in the year 1", "sales", "POST", SALES_USER + "/busy",
        {"blocks": [{"start": "0001-01-01T00:30:00+01:00", "end": "2026-12-01T18:00:00Z"}]},
        ("blocks.0.start",)),
    Bad("busy time sent as a bare list", "sales", "POST", SALES_USER + "/busy",
        [{"start": "2026-12-01T16:00:00Z", "end": "2026-12-01T18:00:00Z"}], ("body",)),
    Bad("deal closed in the year 1", "sales", "POST", DEALS,
        deal(closed_at="0001-01-01T00:00:00Z"), ("closed_at",)),
    # --- query strings ----------------------------------------------------------------------
    Bad("deal list filtered by an unknown status", "manager", "GET", DEALS + "?status=lost",
        None, ("status",)),
    Bad("deal list filtered by an unknown kickoff state", "manager", "GET",
        DEALS + "?kickoff=late", None, ("kickoff",)),
    Bad("deal list filtered by an owner in words", "manager", "GET", DEALS + "?owner=ana",
        None, ("owner",)),
    Bad("deal list page zero", "manager", "GET", DEALS + "?page=0", None, ("page",)),
    Bad("deal list of a thousand a page", "manager", "GET", DEALS + "?per_page=1000", None,
        ("per_page",)),
    Bad("terms as of yesterday, in words", "manager", "GET", DEAL + "/terms?as_of=yesterday",
        None, ("as_of",)),
    Bad("diff against no version", "manager", "GET", DEAL + "/terms/versions/2/diff", None,
        ("against",)),
    Bad("diff against version zero", "manager", "GET",
        DEAL + "/terms/versions/2/diff?against=0", None, ("against",)),
    Bad("audit page in words", "manager", "GET", "/api/v1/audit?page=first", None, ("page",)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_with_422_naming_the_field_and_nothing_is_stored(
        shared: World, case: Bad):
    body = case.body(shared) if callable(case.body) else case.body
    caller = shared.callers[case.role]
    headers = {"If-Match": etag_of(shared, shared.ids["deal"])} if case.if_match else {}
    kwargs: dict[str, Any] = {}
    if case.files:
        kwargs["data"] = {name: (_file(data), filename)
                          for name, (data, filename) in case.files.items()}
    elif isinstance(body, bytes):
        kwargs.update(data=body, content_type=case.content_type)
    elif body is not None:
        kwargs["json"] = body
    before = stored_counts(shared)

    response = caller.client.open(case.path.format(**shared.ids), method=case.method,
                                  headers=caller._headers(headers), **kwargs)

    assert_problem(response, 422, *case.fields)
    assert stored_counts(shared) == before


def _file(data: bytes):  # type: ignore[no-untyped-def]
    import io

    return io.BytesIO(data)

"""A realistic demo data set, made through the same services people use, so the audit log,
versions, signatures and kickoffs are all real."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Account, Deal, OrderRecord, User
from app.services import accounts, catalog, deals, kickoffs, order_questions, orders, record, users
from app.services.deals import etag

DEMO_PASSWORD = "handoff-demo-2026"  # noqa: S105 - printed for people trying the demo

PEOPLE = [
    ("admin@handoff.example", "Ada Admin", ["admin"], "UTC", "US"),
    ("ana@handoff.example", "Ana Seller", ["sales"], "America/Los_Angeles", "US"),
    ("sven@handoff.example", "Sven Nilsson", ["sales"], "Europe/Stockholm", "SE"),
    ("amy@handoff.example", "Amy Carter", ["account_manager"], "America/Chicago", "US"),
    ("lena@handoff.example", "Lena Vogel", ["account_manager"], "Europe/Berlin", "DE"),
    ("fred@handoff.example", "Fred Ortiz", ["fulfillment"], "America/Chicago", "US"),
    ("mia@handoff.example", "Mia Boss", ["manager"], "America/New_York", "US"),
]

PRODUCTS = [
    {"sku": "A-100", "name": "Widget", "category": "widgets", "list_price": "12.00",
     "currency": "USD"},
    {"sku": "A-200", "name": "Widget Pro", "category": "widgets", "list_price": "19.50",
     "currency": "USD"},
    {"sku": "B-200", "name": "Gadget", "category": "gadgets", "list_price": "40.00",
     "currency": "USD"},
    {"sku": "C-300", "name": "Mounting kit", "category": "accessories", "list_price": "6.25",
     "currency": "USD"},
    {"sku": "WARR-EXT", "name": "Extended warranty", "category": "services",
     "list_price": "150.00", "currency": "USD"},
]

STANDARD_TERMS = [
    {"kind": "payment_terms", "params": {"net_days": 30}},
    {"kind": "incoterm", "params": {"code": "EXW", "place": "Reno"}},
    {"kind": "shipping", "params": {"method": "ground", "freight": "collect"}},
    {"kind": "lead_time", "params": {"max_business_days": 10}},
    {"kind": "partial_shipments", "params": {"allowed": True}},
]


def _people(session: Session) -> dict[str, tuple[User, str]]:
    made = {}
    for email, name, roles, tz, country in PEOPLE:
        user = users.create_user(session, None, {"email": email, "name": name, "roles": roles,
                                                  "timezone": tz, "country": country,
                                                  "password": DEMO_PASSWORD})
        users.set_availability(session, user, user.id, {
            "timezone": tz, "country": country,
            "working_hours": {d: [["09:00", "12:30"], ["13:30", "17:30"]]
                              for d in ("mon", "tue", "wed", "thu", "fri")}})
        token = users.issue_token(session, None, user.id, "demo").secret
        made[email.split("@")[0]] = (user, token)
    return made


def _account(session: Session, actor: User, name: str, ref: str, country: str, tz: str,
             contacts: list[tuple[str, str, str]]) -> tuple[int, list[int]]:
    account = accounts.create_account(session, actor, {"name": name, "external_ref": ref,
                                                       "country": country, "timezone": tz})
    ids = [accounts.add_contact(session, actor, account.id, {
        "name": n, "email": e, "title": t, "timezone": tz}).id for n, e, t in contacts]
    return account.id, ids


def _deal(session: Session, actor: User, people: dict[str, tuple[User, str]], **fields: Any)\
        -> Deal:
    body = {"currency": "USD", "closed_at": clock.now() - timedelta(days=1),
            "sales_owner_id": actor.id, "account_manager_id": people["amy"][0].id,
            "fulfillment_lead_id": people["fred"][0].id, **fields}
    return deals.close_deal(session, actor, body)


def load_demo(session: Session, if_empty: bool = False) -> str:
    """Load the demo; with `if_empty`, leave a database that already has deals alone."""
    if if_empty and session.scalar(select(func.count()).select_from(Deal)):
        return "Demo data already present; nothing loaded."
    people = _people(session)
    admin, ana, sven = people["admin"][0], people["ana"][0], people["sven"][0]
    catalog.import_products(session, admin, PRODUCTS)
    catalog.replace_standard_terms(session, admin, STANDARD_TERMS)
    today = clock.today()

    acme, acme_contacts = _account(session, ana, "Acme Tools", "CRM-0042", "US",
                                   "America/Chicago", [
                                       ("Jane Buyer", "jane@acme.example", "Purchasing"),
                                       ("Tom Reyes", "tom@acme.example", "Operations")])
    acme_deal = _deal(session, ana, people, account_id=acme, title="Acme 2027 supply",
                      external_ref="OPP-981", first_shipment_date=today + timedelta(days=21),
                      contact_ids=acme_contacts, terms=[
        {"kind": "unit_price", "params": {"sku": "A-100", "price": "10.00", "max_quantity": 99},
         "note": "Intro price to win the account from the incumbent"},
        {"kind": "unit_price", "params": {"sku": "A-100", "price": "9.00", "min_quantity": 100},
         "note": "Volume tier agreed with Jane Buyer"},
        {"kind": "volume_cap", "params": {"sku": "A-100", "max_quantity": 1000,
                                          "period_start": today.isoformat(),
                                          "period_end": (today + timedelta(days=220)).isoformat()},
         "note": "Tier prices hold for the first 1,000 units"},
        {"kind": "payment_terms", "params": {"net_days": 45}, "note": "Their AP runs monthly"},
        {"kind": "incoterm", "params": {"code": "FOB", "place": "Oakland"}},
        {"kind": "option", "params": {"name": "extended_warranty", "sku": "WARR-EXT",
                                      "decision": "decline",
                                      "terms": "3 years parts and labour"}},
        {"kind": "clause", "params": {"text": "Customer logo on every carton",
                                      "review_on_order": True}},
    ])
    term_ids = [e.term_id for e in acme_deal.versions[-1].entries]
    record.sign(session, ana, acme_deal.id, {
        "version": 1, "signer": {"contact_id": acme_contacts[0]}, "typed_name": "Jane Buyer",
        "decisions": [{"option": "extended_warranty", "decision": "decline"}]},
        record.Client(ip="203.0.113.7", user_agent="Handoff demo"))
    record.acknowledge(session, people["amy"][0], acme_deal.id, 1)
    record.amend(session, ana, acme_deal.id, {
        "reason": "Price cut agreed by phone with Jane Buyer",
        "effective_from": today + timedelta(days=30),
        "replace": [{"term_id": term_ids[0], "kind": "unit_price",
                     "params": {"sku": "A-100", "price": "9.50", "max_quantity": 99},
                     "note": "Intro price lowered after the pilot"}]},
        etag(acme_deal))
    record.add_note(session, people["amy"][0], acme_deal.id, {
        "channel": "call", "contact_id": acme_contacts[0], "term_ids": [term_ids[5]],
        "text": "Told Jane the extended warranty was declined; she agreed.",
        "promises": [{"text": "Send carton artwork proof", "due": today + timedelta(days=7)}]})

    nordic, nordic_contacts = _account(session, sven, "Nordic Hardware AB", "CRM-0107", "SE",
                                       "Europe/Stockholm", [
                                           ("Karin Berg", "karin@nordic.example", "Inköp")])
    nordic_deal = _deal(
        session, sven, people, account_id=nordic, title="Nordic framework 2027",
        external_ref="OPP-1002", first_shipment_date=today + timedelta(days=35),
        account_manager_id=people["lena"][0].id, contact_ids=nordic_contacts, terms=[
        {"kind": "discount", "params": {"percent": "7.5", "category": "widgets"},
         "note": "Framework discount"},
        {"kind": "currency", "params": {"code": "USD"}},
        {"kind": "incoterm", "params": {"code": "DAP", "place": "Göteborg"}},
        {"kind": "lead_time", "params": {"max_business_days": 15}},
        {"kind": "partial_shipments", "params": {"allowed": False}},
    ])

    rush, rush_contacts = _account(session, ana, "Rush Retail", "CRM-0213", "US",
                                   "America/New_York", [
                                       ("Rita Quick", "rita@rush.example", "Buyer")])
    _deal(session, ana, people, account_id=rush, title="Holiday rush order",
          external_ref="OPP-1100", first_shipment_date=today + timedelta(days=1),
          contact_ids=rush_contacts, terms=[
        {"kind": "shipping", "params": {"method": "air", "carrier": "FastFreight",
                                        "freight": "prepaid"}, "note": "Needed before the 20th"},
        {"kind": "quantity_limits", "params": {"sku": "B-200", "multiple_of": 12}},
    ])

    held_account, held_contacts = _account(session, ana, "Blue Lake Foods", "CRM-0301", "US",
                                           "America/Denver", [
                                               ("Ben Lake", "ben@bluelake.example", "COO")])
    held = _deal(session, ana, people, account_id=held_account, title="Blue Lake pilot",
                 external_ref="OPP-877", first_shipment_date=today + timedelta(days=28),
                 contact_ids=held_contacts, terms=[
        {"kind": "option", "params": {"name": "installation", "sku": "C-300",
                                      "decision": "pending", "terms": "On-site installation"}},
        {"kind": "payment_terms", "params": {"net_days": 60, "early_discount_percent": "2",
                                             "early_discount_days": 10}},
    ])
    kickoff = kickoffs.get_kickoff(session, held)
    if kickoff.status == "scheduled":
        kickoffs.mark_held(session, people["amy"][0], held.id, {
            "held_at": clock.now(), "minutes": "Walked through the pilot terms; Ben will "
            "decide on installation by Friday."})

    harbor = _harbor_deal(session, people)
    _orders(session, people, acme_deal, nordic_deal, harbor, today)

    made = {model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Account, Deal, OrderRecord)}
    lines = [f"Demo data loaded: {len(people)} users, {made['accounts']} accounts, "
             f"{made['deals']} deals, {made['orders']} orders.",
             f"Every demo user's password is {DEMO_PASSWORD}. API tokens:"]
    lines += [f"  {u.email:28} {', '.join(u.roles):16} {token}" for u, token in people.values()]
    return "\n".join(lines)


def _harbor_deal(session: Session, people: dict[str, tuple[User, str]]) -> Deal:
    """A deal closed twelve weeks ago whose kickoff was held and whose orders have come in
    every week since: the history the queue and the dashboard's chart show."""
    sven, lena = people["sven"][0], people["lena"][0]
    account, contacts = _account(session, sven, "Harbor Marine Supply", "CRM-0388", "US",
                                 "America/Los_Angeles", [
                                     ("Hank Harbor", "hank@harbor.example", "Purchasing")])
    closed = clock.now() - timedelta(weeks=12)
    deal = _deal(session, sven, people, account_id=account, title="Harbor chandlery supply",
                 external_ref="OPP-702", closed_at=closed,
                 first_shipment_date=(closed + timedelta(weeks=3)).date(),
                 account_manager_id=lena.id, contact_ids=contacts, terms=[
        {"kind": "unit_price", "params": {"sku": "B-200", "price": "36.00"},
         "note": "Gadget price for a three-year supply agreement"},
        {"kind": "discount", "params": {"percent": "5", "category": "widgets"},
         "note": "Widgets at 5% off list"},
        {"kind": "payment_terms", "params": {"net_days": 45}},
        {"kind": "incoterm", "params": {"code": "FCA", "place": "Long Beach"}},
        {"kind": "quantity_limits", "params": {"sku": "B-200", "multiple_of": 10},
         "note": "Gadgets ship in cartons of ten"},
    ])
    # The deadline had passed by the time it was entered here, so no slot was found; the
    # kickoff took place all the same, a week after the close.
    kickoffs.mark_held(session, lena, deal.id, {
        "held_at": closed + timedelta(days=7), "attendee_ids": [sven.id, lena.id,
                                                               people["fred"][0].id],
        "minutes": "Went through the gadget price, the carton size and the FCA place."})
    return deal


# (weeks ago, PO, lines, header changes, decision): one Harbor order a week, some deviating.
HARBOR_ORDERS: list[tuple[int, str, list[tuple[str, int, str]], dict[str, Any],
                          tuple[str, str, str] | None]] = [
    (9, "HMS-4101", [("B-200", 40, "36.00"), ("A-100", 100, "11.40")], {}, None),
    (8, "HMS-4102", [("B-200", 20, "38.00")], {},
     ("mia", "override", "One-off price for the storm repairs, agreed with Hank Harbor")),
    (7, "HMS-4103", [("B-200", 30, "36.00")], {"payment_terms": {"net_days": 60}},
     ("fred", "release", "Sven confirmed net 60 for this order only")),
    (6, "HMS-4104", [("A-100", 200, "11.40")], {}, None),
    (5, "HMS-4105", [("A-100", 150, "12.00"), ("A-200", 50, "18.53")], {},
     ("fred", "release", "Invoice corrected to the discounted price before shipping")),
    (4, "HMS-4106", [("B-200", 25, "36.00")], {},
     ("fred", "hold", "Waiting for Sven: 25 is not whole cartons of ten")),
    (3, "HMS-4107", [("B-200", 60, "39.50")], {"incoterm": {"code": "EXW", "place": "Reno"}},
     None),
    (2, "HMS-4108", [("B-200", 10, "36.00"), ("C-300", 10, "6.25")], {}, None),
    (1, "HMS-4109", [("A-200", 80, "18.53")], {"payment_terms": {"net_days": 30}}, None),
]


def _order(deal: Deal, po: str, day: date, items: list[tuple[str, int, str]],
           **header: Any) -> dict[str, Any]:
    return {"deal_id": deal.id, "po_number": po, "order_date": day.isoformat(),
            "requested_ship_date": (day + timedelta(days=4)).isoformat(), "currency": "USD",
            "lines": [{"sku": sku, "quantity": q, "unit_price": price}
                      for sku, q, price in items], **header}


def _orders(session: Session, people: dict[str, tuple[User, str]], acme: Deal, nordic: Deal,
            harbor: Deal, today: date) -> None:
    """Orders checked by fulfillment, some decided, one asked about and answered."""
    fred = people["fred"][0]
    checked = {}
    for weeks, po, items, header, decision in HARBOR_ORDERS:
        day = today - timedelta(weeks=weeks)
        result = orders.check(session, fred, _order(harbor, po, day, items, **header))
        checked[po] = result
        if decision is not None:
            who, action, reason = decision
            orders.decide(session, people[who][0], result.order.id, action, reason)
    held = checked["HMS-4106"]
    cartons = next(d for d in held.check.deviations if d.code == "QUANTITY_NOT_MULTIPLE")
    question = order_questions.ask(
        session, fred, held.order.id, cartons.id,
        "Did Hank agree to 25 gadgets, or should they round up to 30?")
    order_questions.answer(session, people["sven"][0], question.id,
                           "Round up to 30: Hank confirmed by email, the cartons stay full.")
    orders.check(session, fred, _order(acme, "ACME-7001", today, [("A-100", 120, "9.00")],
                                       payment_terms={"net_days": 45}))
    flagged = orders.check(session, fred, _order(acme, "ACME-7002", today,
                                                 [("A-100", 40, "10.00")],
                                                 payment_terms={"net_days": 60}))
    mismatch = next(d for d in flagged.check.deviations if d.code == "PAYMENT_TERMS_MISMATCH")
    order_questions.ask(session, fred, flagged.order.id, mismatch.id,
                        "The PO says net 60; the terms say net 45. Did you agree net 60?")
    orders.check(session, fred, _order(nordic, "NH-2207", today, [("A-200", 60, "18.04")],
                                       partial_shipment=True))

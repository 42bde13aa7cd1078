"""The world the order benchmarks check orders in: a throw-away PostgreSQL database, migrated,
with people, a catalog and deals of 12 terms, and the 5-line orders sent against them.

People and products are made through the services. Deals are written in bulk with what
``close_deal`` and ``mark_held`` store for a deal (account, deal, term rows, version 1 with its
digest, its membership, a held kickoff), because 10,000 deals closed one by one would take
minutes and closing deals is not what is measured. Invitations and audit events of the closes
are left out: order checks do not read them.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL",
                           "postgresql://root@127.0.0.1:5432/postgres")
TODAY = datetime.now(UTC).date()
CLOSED_AT = datetime.combine(TODAY - timedelta(days=60), datetime.min.time(), UTC) \
    + timedelta(hours=17)
FIRST_SHIPMENT = TODAY - timedelta(days=30)

PRODUCTS = [
    {"sku": "A-100", "name": "Widget", "category": "widgets", "list_price": "12.00",
     "currency": "USD"},
    {"sku": "B-200", "name": "Gadget", "category": "gadgets", "list_price": "5.00",
     "currency": "USD"},
    {"sku": "C-300", "name": "Widget Pro", "category": "widgets", "list_price": "20.00",
     "currency": "USD"},
    {"sku": "D-400", "name": "Mounting kit", "category": "tools", "list_price": "8.00",
     "currency": "USD"},
    {"sku": "E-500", "name": "Cable set", "category": "tools", "list_price": "3.25",
     "currency": "USD"},
]


def deal_terms(n: int) -> list[dict[str, Any]]:
    """The 12 terms of deal number ``n``: tier prices differ from deal to deal."""
    small, large = Decimal("10.00") + n % 7, Decimal("9.00") + n % 7
    return [
        {"kind": "unit_price", "params": {"sku": "A-100", "price": str(small),
                                          "max_quantity": 99}, "note": "intro price"},
        {"kind": "unit_price", "params": {"sku": "A-100", "price": str(large),
                                          "min_quantity": 100}},
        {"kind": "unit_price", "params": {"sku": "B-200", "price": "4.50"}},
        {"kind": "discount", "params": {"percent": "7.5", "category": "widgets"}},
        {"kind": "payment_terms", "params": {"net_days": 45}},
        {"kind": "incoterm", "params": {"code": "FOB", "place": "Oakland"}},
        {"kind": "shipping", "params": {"method": "ground", "freight": "prepaid"}},
        {"kind": "lead_time", "params": {"max_business_days": 10}},
        {"kind": "quantity_limits", "params": {"multiple_of": 5}},
        {"kind": "volume_cap", "params": {
            "sku": "A-100", "max_quantity": 1_000_000_000,
            "period_start": (TODAY - timedelta(days=365)).isoformat(),
            "period_end": (TODAY + timedelta(days=365)).isoformat()}},
        {"kind": "currency", "params": {"code": "USD"}},
        {"kind": "clause", "params": {"text": "Customer logo on every carton",
                                      "review_on_order": True}},
    ]


def large_tier_price(n: int) -> Decimal:
    return Decimal("9.00") + n % 7


@dataclass
class World:
    url: str
    token: str
    actor_email: str
    deal_ids: list[int] = field(default_factory=list)
    account_refs: list[str] = field(default_factory=list)


# --- the database ---------------------------------------------------------------------------


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def throwaway_database(admin_url: str = ADMIN_URL, keep: bool = False) -> Iterator[str]:
    """A new PostgreSQL database on the local server, dropped afterwards (unless ``keep``)."""
    name = f"handoff_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_psycopg(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield _psycopg(admin_url.rsplit("/", 1)[0] + "/" + name)
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench_app(url: str, instance: Path, **config: Any) -> Any:
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance),
                       "SECRET_KEY": "bench", "MAIL_URL": "", "SCHEDULER_EMBEDDED": False,
                       **config})


def migrate(app: Any) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


# --- seeding --------------------------------------------------------------------------------


def seed(app: Any, deals: int, url: str) -> World:
    """People (one checker with a token), the catalog, and ``deals`` deals of 12 terms."""
    from app.extensions import db
    from app.services import catalog, users

    with app.app_context():
        session = db.session
        admin = users.create_user(session, None, {"email": "ada@bench.example",
                                                  "name": "Ada Admin", "roles": ["admin"]})
        seller = users.create_user(session, None, {"email": "ana@bench.example",
                                                   "name": "Ana Seller", "roles": ["sales"]})
        manager = users.create_user(session, None, {"email": "amy@bench.example",
                                                    "name": "Amy Manager",
                                                    "roles": ["account_manager"]})
        checker = users.create_user(session, None, {"email": "fred@bench.example",
                                                    "name": "Fred Fulfil",
                                                    "roles": ["fulfillment"]})
        token = users.issue_token(session, None, checker.id, "bench").secret
        catalog.import_products(session, admin, PRODUCTS)
        world = World(url=url, token=token, actor_email=checker.email)
        people = (seller.id, manager.id, checker.id)
        for start in range(0, deals, 2000):
            _deals(session, range(start, min(deals, start + 2000)), people, world)
            session.commit()
        db.engine.dispose()
    analyze(url)
    return world


def _deals(session: Session, numbers: range, people: tuple[int, int, int], world: World)\
        -> None:
    from app.db.models import Account, Deal, Kickoff, TermRow, TermsVersionRow, VersionTerm
    from terms.digest import version_digest
    from terms.model import Term
    from terms.parse import parse_terms, term_to_json

    seller, manager, checker = people
    refs = [f"CRM-B{n:06d}" for n in numbers]
    account_ids = session.scalars(
        insert(Account).returning(Account.id, sort_by_parameter_order=True),
        [{"name": f"Customer {n}", "external_ref": ref, "country": "US",
          "timezone": "America/Chicago", "created_at": CLOSED_AT}
         for n, ref in zip(numbers, refs, strict=True)]).all()
    deal_ids = session.scalars(insert(Deal).returning(Deal.id, sort_by_parameter_order=True), [
        {"account_id": account_id, "title": f"Supply agreement {n}", "external_ref": f"OPP-{n}",
         "currency": "USD", "closed_at": CLOSED_AT, "first_shipment_date": FIRST_SHIPMENT,
         "sales_owner_id": seller, "account_manager_id": manager, "fulfillment_lead_id": checker,
         "status": "kicked_off", "revision": 2, "created_at": CLOSED_AT, "updated_at": CLOSED_AT}
        for n, account_id in zip(numbers, account_ids, strict=True)]).all()
    parsed = {n: parse_terms(deal_terms(n)) for n in numbers}
    term_rows = [{"deal_id": deal_id, "introduced_in": 1, "author_id": seller,
                  "created_at": CLOSED_AT, "replaces_id": None, "kind": term.kind,
                  "params": term_to_json(term)["params"], "note": term.note,
                  "valid_from": term.valid_from, "valid_to": term.valid_to}
                 for n, deal_id in zip(numbers, deal_ids, strict=True) for term in parsed[n]]
    term_ids = iter(session.scalars(insert(TermRow).returning(TermRow.id,
                                                              sort_by_parameter_order=True),
                                    term_rows).all())
    effective = CLOSED_AT.date()
    version_ids = session.scalars(insert(TermsVersionRow).returning(
        TermsVersionRow.id, sort_by_parameter_order=True), [
        {"deal_id": deal_id, "number": 1, "effective_from": effective,
         "reason": "Terms agreed at close", "author_id": seller, "created_at": CLOSED_AT,
         "digest": version_digest(f"deal:{deal_id}", 1, effective, [
             Term(kind=t.kind, params=t.params, note=t.note) for t in parsed[n]])}
        for n, deal_id in zip(numbers, deal_ids, strict=True)]).all()
    entries = []
    for n, version_id in zip(numbers, version_ids, strict=True):
        entries += [{"version_id": version_id, "term_id": next(term_ids), "position": i}
                    for i in range(len(parsed[n]))]
    session.execute(insert(VersionTerm), entries)
    start = CLOSED_AT + timedelta(days=3)
    session.execute(insert(Kickoff), [
        {"deal_id": deal_id, "uid": f"kickoff-{deal_id}-{uuid.uuid4().hex}@bench", "sequence": 0,
         "status": "held", "start": start, "end": start + timedelta(minutes=45),
         "earliest": CLOSED_AT, "deadline": start + timedelta(days=10),
         "invited_user_ids": list(people), "invited_contact_ids": [], "held_at": start,
         "held_attendee_ids": list(people), "minutes": "Terms reviewed.", "updated_at": start}
        for deal_id in deal_ids])
    world.deal_ids += deal_ids
    world.account_refs += refs


def analyze(url: str) -> None:
    """Table statistics, as a database in use has them (autovacuum keeps them)."""
    if not url.startswith("postgresql"):
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()


def print_profile(path: Path, top: int = 22) -> None:
    """Where the workers' time went: by frame including what it calls, and by own time."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [frame.split(" (")[0] + " " + _where(frame) for frame in stack.split(";")]
        samples = int(count)
        total += samples
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + samples
        own[frames[-1]] = own.get(frames[-1], 0) + samples
    print(f"  profile: {total} samples (py-spy, while holding the GIL)")
    ours = {k: v for k, v in inclusive.items() if "(app/" in k or "(terms/" in k}
    print("   % incl. (Handoff's own frames)")
    for frame, samples in sorted(ours.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {100 * samples / total:5.1f}  {frame}")
    print("   % own time")
    for frame, samples in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {100 * samples / total:5.1f}  {frame}")


def _where(frame: str) -> str:
    place = frame.rpartition(" (")[2].rstrip(")")
    for marker in ("site-packages/", str(ROOT) + "/"):
        place = place.split(marker)[-1] if marker in place else place
    return f"({place.rsplit(':', 1)[0]})"


# --- orders ---------------------------------------------------------------------------------

KINDS = ("clear", "flagged", "blocked")


def order_dates(days: int = 10) -> list[date]:
    """The last ``days`` weekdays before today: orders are dated recently."""
    found: list[date] = []
    day = TODAY
    while len(found) < days:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            found.append(day)
    return found


def order_body(deal_number: int, deal_id: int, po_number: str, kind: str, on: date,
               by_account: str | None = None) -> dict[str, Any]:
    """A 5-line order of deal ``deal_number``: clear, flagged (a quantity off its multiple of 5,
    a warning) or blocked (the small-quantity price charged for 120 units)."""
    large = large_tier_price(deal_number)
    price_a = large + 1 if kind == "blocked" else large
    body: dict[str, Any] = {
        "po_number": po_number, "order_date": on.isoformat(),
        "requested_ship_date": (on + timedelta(days=3)).isoformat(),
        "promised_delivery_date": (on + timedelta(days=6)).isoformat(), "currency": "USD",
        "payment_terms": {"net_days": 45}, "incoterm": {"code": "FOB", "place": "Oakland"},
        "shipping": {"method": "ground", "freight": "prepaid"}, "partial_shipment": False,
        "lines": [
            {"sku": "A-100", "quantity": 120, "unit_price": str(price_a)},
            {"sku": "B-200", "quantity": 50, "unit_price": "4.50"},
            {"sku": "C-300", "quantity": 10, "unit_price": "18.50"},
            {"sku": "D-400", "quantity": 24 if kind == "flagged" else 25, "unit_price": "8.00"},
            {"sku": "E-500", "quantity": 5, "unit_price": "3.25"},
        ]}
    if by_account:
        return {"account_ref": by_account, **body}
    return {"deal_id": deal_id, **body}


def pick_kind(rng: random.Random, flagged: float = 0.12, blocked: float = 0.08) -> str:
    roll = rng.random()
    return "blocked" if roll < blocked else "flagged" if roll < blocked + flagged else "clear"

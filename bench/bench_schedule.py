"""Close 10,000 deals through the service the API uses, and time how their kickoffs get scheduled.

    .venv/bin/python bench/bench_schedule.py [--deals N] [--moves N] [--db sqlite|postgresql|both]

What is measured, on a throw-away database (a SQLite file in a temporary folder, and a database
created on the local PostgreSQL server and dropped afterwards), freshly migrated:

* **Closing** (the target: 10,000 deals in at most 30 s). Each deal is closed with
  ``app.services.deals.close_deal`` exactly as ``POST /api/v1/deals`` calls it, in its own
  session and transaction: the deal, its terms version 1, three audit events, and its kickoff —
  the window, the earliest quarter-hour slot that fits the salesperson, the account manager and
  the fulfillment lead (working hours in their own zones, their countries' holidays, their busy
  blocks and their other kickoffs), the kickoff row, the invitations (iCalendar) queued in the
  outbox for everyone including the customer contact, the reminder and the escalation planned;
  or, with no slot, the kickoff left unscheduled and the managers' notices queued. The clock
  stands at each deal's close time, so deals close one after another over half a year, and the
  calendars fill up as kickoffs accumulate. The total covers the closing calls only (HTTP, JSON
  and the building of the population are outside it); "one close" is one such call with its
  commit, and "its scheduling" the part of it spent in ``schedule_new_kickoff``.
* **Rescheduling** (reported, no target): afterwards, with the clock at the last close, one
  required attendee of each of ``--moves`` future kickoffs records a busy block over it through
  ``app.services.users.add_busy_blocks`` (as ``POST /api/v1/users/{id}/busy`` does), which
  checks every open kickoff of that person and moves the broken one, with its updates queued.

The population: 40 salespeople, 30 account managers and 20 fulfillment leads in three regions
(the Americas, Europe, Asia-Pacific; 13 time zones and their countries' holidays), with several
patterns of working hours and about two busy blocks per person per working day; 3 managers; 1,000
accounts with a contact each. Most deals keep to one region; some mix regions whose working
hours barely meet or never do, which is where unscheduled kickoffs come from. First shipments
are 7 to 28 days after the close. Kickoffs are never recorded as held here, so every earlier
kickoff stays on the books: the worst case for the search of "other kickoffs".

Without PostgreSQL at ``BENCH_POSTGRES_ADMIN_URL`` (default
``postgresql://root@127.0.0.1:5432/postgres``) that half is reported as skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import signal
import statistics
import sys
import tempfile
import time as clock
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.db.models import Kickoff, OutboxMessage, User
from app.extensions import db
from app.services import accounts, deals, kickoffs, users
from kickoff.intervals import Interval

TARGET_SECONDS = 30.0
TARGET_DEALS = 10_000
ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL",
                           "postgresql://root@127.0.0.1:5432/postgres")

REGIONS = {
    "americas": (("America/New_York", "US"), ("America/Chicago", "US"),
                 ("America/Los_Angeles", "US"), ("America/Toronto", "CA"),
                 ("America/Sao_Paulo", "BR")),
    "europe": (("Europe/London", "GB"), ("Europe/Berlin", "DE"), ("Europe/Stockholm", "SE"),
               ("Europe/Madrid", "ES")),
    "apac": (("Asia/Singapore", "SG"), ("Asia/Kolkata", "IN"), ("Asia/Tokyo", "JP"),
             ("Australia/Sydney", "AU")),
}
# How many of each role work in each region: (americas, europe, apac).
STAFF = {"sales": (20, 12, 8), "account_manager": (15, 9, 6), "fulfillment": (10, 6, 4)}
WEEK = ("mon", "tue", "wed", "thu", "fri")
HOURS = (
    {day: [["09:00", "17:00"]] for day in WEEK},
    {day: [["08:00", "16:00"]] for day in WEEK},
    {day: [["09:00", "12:30"], ["13:30", "17:30"]] for day in WEEK},
    {day: [["10:00", "18:00"]] for day in WEEK},
    {day: [["08:30", "15:00"]] for day in WEEK[:4]},  # part time, Monday to Thursday
)
FIRST_CLOSE = datetime(2026, 1, 5, 13, tzinfo=UTC)  # a Monday; the period spans both DST weeks
BUSINESS_DAYS = 120
BUSY_PER_DAY = (0, 1, 2, 2, 3, 4)


@dataclass
class BenchClock:
    """The service's clock (config NOW), moved by the benchmark to each deal's close."""

    at: datetime = FIRST_CLOSE

    def __call__(self) -> datetime:
        return self.at


@dataclass
class Person:
    id: int
    role: str
    region: str
    timezone: str
    hours: dict[str, list[list[str]]]


@dataclass
class Population:
    people: dict[str, list[Person]] = field(default_factory=dict)
    accounts: list[tuple[int, int]] = field(default_factory=list)  # (account id, contact id)
    admin_id: int = 0


# --- databases -------------------------------------------------------------------------------


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def sqlite_database() -> Iterator[tuple[str, Path]]:
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}", Path(folder)


@contextmanager
def postgres_database() -> Iterator[tuple[str, Path]]:
    name = f"handoff_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_psycopg(ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory(prefix="handoff-bench-") as folder:
            yield _psycopg(ADMIN_URL.rsplit("/", 1)[0] + "/" + name), Path(folder)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_reachable() -> bool:
    try:
        engine = create_engine(_psycopg(ADMIN_URL))
        with engine.connect():
            pass
        engine.dispose()
    except OperationalError:
        return False
    return True


def make_app(url: str, folder: Path, now: BenchClock) -> Any:
    from flask_migrate import upgrade

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "bench", "MAIL_URL": "", "SCHEDULER_EMBEDDED": False, "NOW": now,
        "COMPANY_COUNTRY": "US", "COMPANY_TIMEZONE": "America/New_York",
    })
    # Alembic logs every step to stderr; the benchmark's own figures are what matters here.
    with app.app_context(), contextlib.redirect_stderr(io.StringIO()):
        upgrade()
    return app


# --- the population --------------------------------------------------------------------------


def business_days(first: date, count: int) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def busy_blocks(rng: random.Random, person: Person, days: list[date]) -> list[tuple[Interval, str]]:
    """About two meetings a working day, on quarter hours inside the person's own hours."""
    tz = ZoneInfo(person.timezone)
    blocks: list[tuple[Interval, str]] = []
    for day in days:
        ranges = person.hours.get(WEEK[day.weekday()] if day.weekday() < 5 else "", [])
        for _ in range(rng.choice(BUSY_PER_DAY) if ranges else 0):
            opens, closes = (time.fromisoformat(t) for t in rng.choice(ranges))
            minutes = rng.choice((30, 30, 45, 60, 60, 90))
            room = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute) - minutes
            if room < 0:
                continue
            offset = timedelta(minutes=15 * rng.randrange(room // 15 + 1))
            local = datetime.combine(day, opens) + offset
            start = local.replace(tzinfo=tz).astimezone(UTC)
            blocks.append((Interval(start, start + timedelta(minutes=minutes)), "meeting"))
    return blocks


def populate(session: Any, rng: random.Random, days: list[date]) -> Population:
    """People, their hours and busy time, accounts and contacts: all through the services."""
    pop = Population()
    admin = users.create_user(session, None, {"email": "admin@bench.example", "name": "Admin",
                                              "roles": ["admin"]})
    pop.admin_id = admin.id
    for n in range(3):
        users.create_user(session, None, {"email": f"manager{n}@bench.example",
                                          "name": f"Manager {n}", "roles": ["manager"],
                                          "timezone": "America/New_York", "country": "US"})
    for role, counts in STAFF.items():
        pop.people[role] = []
        for region, count in zip(REGIONS, counts, strict=True):
            for n in range(count):
                tz_name, country = REGIONS[region][n % len(REGIONS[region])]
                user = users.create_user(session, None, {
                    "email": f"{role}.{region}.{n}@bench.example",
                    "name": f"{role.title()} {region.title()} {n}", "roles": [role],
                    "timezone": tz_name, "country": country})
                hours = rng.choice(HOURS)
                users.set_availability(session, admin, user.id, {
                    "timezone": tz_name, "country": country, "working_hours": hours})
                person = Person(user.id, role, region, tz_name, hours)
                users.add_busy_blocks(session, admin, user.id, busy_blocks(rng, person, days),
                                      "json")
                pop.people[role].append(person)
    seller = session.get(User, pop.people["sales"][0].id)
    for n in range(1_000):
        region = rng.choice(list(REGIONS))
        tz_name, country = rng.choice(REGIONS[region])
        account = accounts.create_account(session, seller, {
            "name": f"Customer {n}", "external_ref": f"CRM-{n:05d}", "country": country,
            "timezone": tz_name})
        contact = accounts.add_contact(session, seller, account.id, {
            "name": f"Buyer {n}", "email": f"buyer{n}@customer{n}.example",
            "title": "Purchasing", "timezone": tz_name})
        pop.accounts.append((account.id, contact.id))
    return pop


def _colleague(rng: random.Random, pop: Population, role: str, region: str, same: float)\
        -> Person:
    pool = pop.people[role]
    if rng.random() < same:
        pool = [p for p in pool if p.region == region]
    return rng.choice(pool)


def deal_requests(rng: random.Random, pop: Population, days: list[date], count: int)\
        -> list[dict[str, Any]]:
    """The close requests, in the order of their close times (a business day, 08:00-22:00 UTC)."""
    closes = sorted(
        datetime.combine(rng.choice(days), time(8), tzinfo=UTC)
        + timedelta(minutes=rng.randrange(14 * 60))
        for _ in range(count)
    )
    requests = []
    for n, closed_at in enumerate(closes):
        seller = rng.choice(pop.people["sales"])
        account_id, contact_id = rng.choice(pop.accounts)
        requests.append({
            "account_id": account_id, "title": f"Supply agreement {n}",
            "external_ref": f"OPP-{n:06d}", "currency": "USD", "closed_at": closed_at,
            "first_shipment_date": closed_at.date() + timedelta(days=rng.randint(7, 28)),
            "sales_owner_id": seller.id,
            "account_manager_id": _colleague(rng, pop, "account_manager", seller.region, 0.85).id,
            "fulfillment_lead_id": _colleague(rng, pop, "fulfillment", seller.region, 0.9).id,
            "contact_ids": [contact_id],
            "terms": [
                {"kind": "unit_price", "params": {"sku": "A-100",
                                                  "price": f"{rng.randint(800, 1100) / 100:.2f}"},
                 "note": "agreed price"},
                {"kind": "payment_terms", "params": {"net_days": rng.choice((30, 45, 60))}},
                {"kind": "option", "params": {"name": "extended_warranty", "sku": "WARR-EXT",
                                              "decision": rng.choice(("accept", "decline")),
                                              "terms": "3 years parts and labour"}},
                {"kind": "clause", "params": {"text": "Customer logo on every carton",
                                              "review_on_order": True}},
            ],
        })
    return requests


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Timings:
    """Wall-clock and CPU seconds of each call; CPU time leaves out waiting for a busy machine
    (and, on PostgreSQL, the server's own work)."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @contextmanager
    def one(self) -> Iterator[None]:
        wall, cpu = clock.perf_counter(), clock.process_time()
        try:
            yield
        finally:
            self.wall.append(clock.perf_counter() - wall)
            self.cpu.append(clock.process_time() - cpu)


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_: Any) -> None:
        self.count += 1


@contextmanager
def timed_scheduling(timings: Timings, queries: QueryCounter, counted: list[int])\
        -> Iterator[None]:
    """Time ``schedule_new_kickoff`` inside each close (close_deal looks it up at call time)."""
    original: Callable[..., Any] = kickoffs.schedule_new_kickoff

    def timed(*args: Any, **kwargs: Any) -> Any:
        before = queries.count
        with timings.one():
            result = original(*args, **kwargs)
        counted.append(queries.count - before)
        return result

    kickoffs.schedule_new_kickoff = timed  # type: ignore[assignment]
    try:
        yield
    finally:
        kickoffs.schedule_new_kickoff = original  # type: ignore[assignment]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.2f} ms"


@dataclass
class Closed:
    closes: Timings
    scheduling: Timings
    queries_per_close: float
    queries_per_scheduling: float
    counts: dict[str, int]
    queued: int


def close_all(app: Any, now: BenchClock, requests: list[dict[str, Any]]) -> Closed:
    closes, scheduling = Timings(), Timings()
    queries, counted = QueryCounter(), []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", queries)
        with timed_scheduling(scheduling, queries, counted):
            for request in requests:
                now.at = request["closed_at"]
                with closes.one():
                    actor = db.session.get(User, request["sales_owner_id"])
                    deals.close_deal(db.session, actor, dict(request))
                    db.session.remove()  # each close is a request of its own
        event.remove(db.engine, "before_cursor_execute", queries)
        counts = dict(db.session.execute(
            select(Kickoff.status, func.count()).group_by(Kickoff.status)).all())
        queued = db.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        db.session.remove()
    return Closed(closes, scheduling, queries.count / len(requests),
                  sum(counted) / len(counted), counts, queued)


@dataclass
class Moved:
    timings: Timings
    moved: int
    lost: int


def move_some(app: Any, now: BenchClock, rng: random.Random, moves: int) -> Moved:
    """A required attendee of each of ``moves`` future kickoffs becomes busy over it."""
    timings = Timings()
    moved = lost = 0
    with app.app_context():
        upcoming = db.session.scalars(select(Kickoff).where(
            Kickoff.status == "scheduled", Kickoff.start > now.at).order_by(Kickoff.id)).all()
        chosen = rng.sample(list(upcoming), min(moves, len(upcoming)))
        plan = [(k.id, k.start, k.end, k.sequence,
                 rng.choice((k.deal.sales_owner_id, k.deal.account_manager_id,
                             k.deal.fulfillment_lead_id))) for k in chosen]
        db.session.remove()
        for kickoff_id, start, end, sequence, user_id in plan:
            with timings.one():
                actor = db.session.get(User, user_id)
                users.add_busy_blocks(db.session, actor, user_id,
                                      [(Interval(start, end), "customer visit")], "json")
                db.session.remove()
            after = db.session.get(Kickoff, kickoff_id)
            if after is not None and after.sequence > sequence:
                moved += after.status == "scheduled"
                lost += after.status == "unscheduled"
            db.session.remove()
    return Moved(timings, moved, lost)


def report(label: str, timings: list[float], count: int, target: bool = False) -> None:
    total = sum(timings)
    verdict = ""
    if target and count == TARGET_DEALS:
        verdict = f"  (target <= {TARGET_SECONDS:.0f} s: " \
                  f"{'met' if total <= TARGET_SECONDS else 'MISSED'})"
    print(f"  {label:<20} {total:7.1f} s  {count / total:6.0f}/s  "
          f"p50 {ms(statistics.median(timings))}  p99 {ms(percentile(timings, 0.99))}  "
          f"max {ms(max(timings))}{verdict}")


def run(name: str, database: Callable[[], Any], args: argparse.Namespace) -> None:
    print(f"\n### {name}", flush=True)
    rng = random.Random(args.seed)
    days = business_days(FIRST_CLOSE.date(), BUSINESS_DAYS + 45)
    now = BenchClock()
    with database() as (url, folder):
        app = make_app(url, folder, now)
        built = clock.perf_counter()
        with app.app_context():
            pop = populate(db.session, rng, days)
            db.session.remove()
        requests = deal_requests(rng, pop, days[:BUSINESS_DAYS], args.deals)
        print(f"population   {sum(len(p) for p in pop.people.values())} people with working "
              f"hours and busy time, {len(pop.accounts)} accounts "
              f"(built in {clock.perf_counter() - built:.1f} s)")

        closed = close_all(app, now, requests)
        n = len(requests)
        print(f"deals        {n} closed {requests[0]['closed_at']:%Y-%m-%d} .. "
              f"{requests[-1]['closed_at']:%Y-%m-%d}: {closed.counts.get('scheduled', 0)} "
              f"scheduled, {closed.counts.get('unscheduled', 0)} unscheduled; "
              f"{closed.queued} messages queued")
        print(f"queries      {closed.queries_per_close:.1f} per close, "
              f"{closed.queries_per_scheduling:.1f} of them scheduling the kickoff")
        print(f"  {'':<20} {'total':>9}  {'rate':>8}")
        report("scheduling, wall", closed.scheduling.wall, n, target=True)
        report("scheduling, CPU", closed.scheduling.cpu, n)
        report("whole close, wall", closed.closes.wall, n)
        report("whole close, CPU", closed.closes.cpu, n)

        if args.moves:
            moves = move_some(app, now, rng, args.moves)
            print(f"rescheduling {len(moves.timings.wall)} busy blocks laid over a kickoff: "
                  f"{moves.moved} moved, {moves.lost} left unscheduled")
            report("busy block, wall", moves.timings.wall, len(moves.timings.wall))
            report("busy block, CPU", moves.timings.cpu, len(moves.timings.cpu))
        with app.app_context():
            db.engine.dispose()


def stop(*_: Any) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(143)


def main() -> None:
    # A benchmark stopped with SIGTERM still drops its PostgreSQL database on the way out
    # (and a second SIGTERM, as `timeout` sends to the process group, does not cut that short).
    signal.signal(signal.SIGTERM, stop)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deals", type=int, default=TARGET_DEALS)
    parser.add_argument("--moves", type=int, default=500,
                        help="busy blocks added over a kickoff after closing (0: none)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seed", type=int, default=20260105)
    args = parser.parse_args()
    print(f"kickoff scheduling: {args.deals} deals closed through close_deal, "
          f"{args.moves} rescheduled by busy time")
    if args.db in ("sqlite", "both"):
        run("SQLite", sqlite_database, args)
    if args.db in ("postgresql", "both"):
        if postgres_reachable():
            run("PostgreSQL", postgres_database, args)
        else:
            print(f"\n### PostgreSQL\nskipped: no server at {ADMIN_URL}")


if __name__ == "__main__":
    main()

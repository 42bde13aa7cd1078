"""Checking orders a chunk at a time: what one order from the API, a batch from the API and
``flask orders check`` all go through.

A chunk (one order, or up to 500 of a batch) is checked in the caller's transaction with a
fixed handful of statements, however many orders and deals it holds: the severities, the
deals (with their kickoffs), the catalog rows, the orders already on file and the cap ledger
are each read once for the chunk; the orders, checks, deviations and cap usage are each
written with one multi-row statement (COPY on PostgreSQL when there are many rows).

What is kept between chunks, per app (so per database, and never shared with another app in
the same process): each deal's terms versions, compiled, with who agreed each term. They are
used while the deal's terms mark is unchanged — its revision, which every new version raises,
the sum of its term ids and its newest version's digest — and the deal row is read with
every chunk, so a new version is seen by the next check in every worker. Terms rows and
versions never change (the database refuses it). Everything else (severities, kickoff,
signatures, catalog, the ledger) is read afresh for every chunk.

Volume caps: a chunk locks the term rows of every cap it may count against (``SELECT … FOR
UPDATE`` in id order on PostgreSQL; SQLite write transactions are serial), then reads what the
other counted orders used and keeps that ledger up to date order by order, so two orders —
in the same chunk or in concurrent ones — never both take the last units.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from flask import current_app
from psycopg.types.json import Jsonb
from sqlalchemy import (
    JSON,
    Connection,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    case,
    delete,
    func,
    insert,
    null,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.schema import Table

from app import clock, metrics
from app.db.models import (
    Account,
    CapUse,
    Deal,
    DeviationRecord,
    Kickoff,
    OrderCheck,
    OrderRecord,
    Product,
    SeveritySetting,
    Signature,
    TermRow,
    TermsVersionRow,
    User,
    VersionTerm,
)
from kickoff.calendar import BusinessCalendar
from terms.check import CapUsage, CatalogItem, CheckContext, CompiledVersion, check_and_count
from terms.deviations import DEFAULT_SEVERITIES, Deviation, deal_deviation, order_status
from terms.model import Term
from terms.order import Order, order_to_json
from terms.parse import term_from_storage

# --- what is checked, and what comes out --------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """An order read from its JSON, UBL or batch form; ``source`` says which."""

    order: Order
    contract_ref: str | None = None
    source: str = "json"


@dataclass(frozen=True)
class Checked:
    """One stored check of one order."""

    order_id: int
    check_id: int
    po_number: str
    deal_id: int | None
    status: str
    terms_version: int | None
    deviations: list[Deviation]


# --- deals, and what is kept of their terms -----------------------------------------------


@dataclass(frozen=True)
class DealRow:
    """What a check needs of a deal and its kickoff, read with every chunk."""

    id: int
    account_id: int
    external_ref: str | None
    closed_at: datetime
    currency: str
    first_shipment_date: date
    revision: int
    kickoff_status: str | None
    kickoff_deadline: datetime | None
    term_ids: int | None
    newest_digest: str | None

    @property
    def terms_mark(self) -> tuple[int, int | None, str | None]:
        """What says the cached terms of the deal are still its terms: its revision rises with
        every new version; a database rebuilt under the running app may repeat deal ids and
        revisions, but not also the ids of the deal's term rows (their sum) and the digest of
        its newest version."""
        return self.revision, self.term_ids, self.newest_digest

    def kickoff_deadline_passed(self, now: datetime) -> bool:
        """As ``kickoffs.deadline_missed``: the deadline went by and the kickoff is not held."""
        return (self.kickoff_status is not None and self.kickoff_status != "held"
                and self.kickoff_deadline is not None and self.kickoff_deadline <= now)


@dataclass(frozen=True)
class VersionTerms:
    """One terms version of a deal, compiled, with who agreed each of its terms."""

    id: int
    number: int
    effective_from: date
    digest: str
    compiled: CompiledVersion
    agreed: Mapping[int, str]


@dataclass(frozen=True)
class DealTerms:
    mark: tuple[int, int | None, str | None]
    versions: tuple[VersionTerms, ...]

    def in_force(self, on: date) -> VersionTerms:
        """The newest version in force on ``on``; before the first took effect, version 1
        (as ``record.version_row_in_force``)."""
        found = None
        for version in self.versions:
            if version.effective_from <= on and (found is None or version.number > found.number):
                found = version
        return found or self.versions[0]


class _Lru:
    """A bounded mapping, oldest use dropped first; one lock, as gthread workers share it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


# Deals whose compiled terms a process keeps: about 18 kB each (a 12-term version), so at most
# some 180 MB; a batch that touches more deals reads the oldest again as they come back.
CACHED_DEALS = 10_000


@dataclass
class TermsCache:
    """Per app: each deal's compiled versions, with the mark of the terms they were read at."""

    deals: _Lru = field(default_factory=lambda: _Lru(CACHED_DEALS))


def terms_cache() -> TermsCache:
    """The cache of the current app (created with it on first use)."""
    extensions = current_app.extensions
    cache = extensions.get("handoff.terms_cache")
    if cache is None:
        cache = extensions.setdefault("handoff.terms_cache", TermsCache())
    return cache  # type: ignore[no-any-return]


# The sum, not the max: PostgreSQL answers a max() of the key by walking the key's index
# backwards, which without fresh statistics means reading every term of every deal.
_TERM_IDS = (select(func.sum(TermRow.id)).where(TermRow.deal_id == Deal.id)
             .correlate(Deal).scalar_subquery())
_NEWEST_DIGEST = (select(TermsVersionRow.digest).where(TermsVersionRow.deal_id == Deal.id)
                  .order_by(TermsVersionRow.number.desc()).limit(1)
                  .correlate(Deal).scalar_subquery())
_DEAL_COLUMNS = (Deal.id, Deal.account_id, Deal.external_ref, Deal.closed_at, Deal.currency,
                 Deal.first_shipment_date, Deal.revision, Kickoff.status, Kickoff.deadline,
                 _TERM_IDS, _NEWEST_DIGEST)


def _deal_rows(rows: Iterable[Any]) -> list[DealRow]:
    return [DealRow(*row) for row in rows]


# The statements of a check are built once per dialect: a statement object is then only looked
# up in SQLAlchemy's compiled cache, and they run on the session's Core connection, which costs
# about half of what an ORM session.execute does. On PostgreSQL a list of values is one array
# parameter (``= ANY(:ids)``), so the SQL text is the same for 1 or 500 values: psycopg
# converts it once and PostgreSQL plans it once. SQLite spells the list out (``IN (?, ?)``).


_ORDERS: Table = OrderRecord.__table__  # type: ignore[assignment]
_CHECKS: Table = OrderCheck.__table__  # type: ignore[assignment]
_DEVIATIONS: Table = DeviationRecord.__table__  # type: ignore[assignment]
_CAP_USAGE: Table = CapUse.__table__  # type: ignore[assignment]


def _one_of(column: Any, name: str, dialect: str) -> Any:
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


class _Sql:
    """The statements of checks, for one dialect."""

    def __init__(self, dialect: str) -> None:
        def of(column: Any, name: str) -> Any:
            return _one_of(column, name, dialect)

        self.deals_by_id = (select(*_DEAL_COLUMNS)
                            .outerjoin(Kickoff, Kickoff.deal_id == Deal.id)
                            .where(of(Deal.id, "ids")))
        self.deals_by_account = (select(Account.external_ref, Account.name, *_DEAL_COLUMNS)
                                 .outerjoin(Deal, Deal.account_id == Account.id)
                                 .outerjoin(Kickoff, Kickoff.deal_id == Deal.id)
                                 .where(of(Account.external_ref, "refs"))
                                 .order_by(Account.id, Deal.id))
        self.versions = (select(TermsVersionRow.id, TermsVersionRow.deal_id,
                                TermsVersionRow.number, TermsVersionRow.effective_from,
                                TermsVersionRow.digest, User.name)
                         .join(User, User.id == TermsVersionRow.author_id)
                         .where(of(TermsVersionRow.deal_id, "ids"))
                         .order_by(TermsVersionRow.deal_id, TermsVersionRow.number))
        self.version_terms = (select(VersionTerm.version_id, TermRow.id, TermRow.kind,
                                     TermRow.params, TermRow.note, TermRow.valid_from,
                                     TermRow.valid_to, TermRow.replaces_id,
                                     TermRow.introduced_in, TermRow.created_at)
                              .join(TermRow, TermRow.id == VersionTerm.term_id)
                              .where(of(VersionTerm.version_id, "ids"))
                              .order_by(VersionTerm.version_id, VersionTerm.position))
        self.severities = select(SeveritySetting.code, SeveritySetting.severity)
        self.catalog = (select(Product.sku, Product.list_price, Product.currency,
                               Product.category).where(of(Product.sku, "skus")))
        self.signatures = (select(Signature.version_id, Signature.decisions)
                           .where(of(Signature.version_id, "ids")).order_by(Signature.id))
        self.lock_caps = (select(TermRow.id).where(of(TermRow.id, "ids")).order_by(TermRow.id)
                          .with_for_update())
        self.cap_rows = (select(CapUse.term_id, CapUse.order_id, CapUse.quantity, CapUse.amount)
                         .where(of(CapUse.term_id, "caps")))
        quantity, amount = func.sum(CapUse.quantity), func.coalesce(func.sum(CapUse.amount), 0)
        self.cap_sums = (select(CapUse.term_id, null(), quantity, amount)
                         .where(of(CapUse.term_id, "caps")).group_by(CapUse.term_id))
        own = case((of(CapUse.order_id, "orders"), CapUse.order_id), else_=null()).label("own")
        self.cap_sums_and_own = (select(CapUse.term_id, own, quantity, amount)
                                 .where(of(CapUse.term_id, "caps"))
                                 .group_by(CapUse.term_id, own))
        existing = select(OrderRecord.id, OrderRecord.deal_id, OrderRecord.po_number)
        if dialect == "postgresql":
            pairs = func.unnest(bindparam("deal_ids", type_=ARRAY(Integer)),
                                bindparam("po_numbers", type_=ARRAY(String))) \
                .table_valued("deal_id", "po_number").render_derived(name="pairs")
            self.existing = existing.join(pairs, and_(
                OrderRecord.deal_id == pairs.c.deal_id,
                OrderRecord.po_number == pairs.c.po_number))
        else:
            self.existing = existing.where(tuple_(OrderRecord.deal_id, OrderRecord.po_number)
                                           .in_(bindparam("pairs", expanding=True)))
        self.update_orders = update(_ORDERS).where(_ORDERS.c.id == bindparam("order_id"))
        self.forget_cap_usage = delete(_CAP_USAGE).where(of(_CAP_USAGE.c.order_id, "orders"))


def _run(session: Session, name: str, params: Any) -> Any:
    """Run the statement called ``name`` on the session's connection."""
    conn = session.connection()
    return conn.execute(getattr(_sql(conn), name), params)


@lru_cache(maxsize=4)
def _statements(dialect: str) -> _Sql:
    return _Sql(dialect)


def _sql(conn: Connection) -> _Sql:
    return _statements(conn.dialect.name)


def deals_by_id(session: Session, ids: set[int]) -> dict[int, DealRow]:
    if not ids:
        return {}
    conn = session.connection()
    rows = conn.execute(_sql(conn).deals_by_id, {"ids": sorted(ids)})
    return {row.id: row for row in _deal_rows(rows)}


@dataclass(frozen=True)
class AccountDeals:
    name: str
    deals: list[DealRow]


def _deals_by_account(session: Session, refs: set[str]) -> dict[str, AccountDeals]:
    if not refs:
        return {}
    found: dict[str, AccountDeals] = {}
    conn = session.connection()
    for ref, name, *deal in conn.execute(_sql(conn).deals_by_account, {"refs": sorted(refs)}):
        account = found.setdefault(ref, AccountDeals(name, []))
        if deal[0] is not None:
            account.deals.append(DealRow(*deal))
    return found


def _load_deal_terms(session: Session, deals: Sequence[DealRow], cache: TermsCache)\
        -> dict[int, DealTerms]:
    """The versions of deals whose cached terms are missing or stale: two statements in all."""
    conn = session.connection()
    sql = _sql(conn)
    rows = conn.execute(sql.versions, {"ids": [deal.id for deal in deals]}).all()
    terms_of: dict[int, list[Any]] = {}
    if rows:
        # Columns, not objects: the rows are read once into the cache, never changed.
        for row in conn.execute(sql.version_terms, {"ids": [row.id for row in rows]}):
            terms_of.setdefault(row.version_id, []).append(row)
    authors: dict[int, dict[int, str]] = {}
    for row in rows:
        authors.setdefault(row.deal_id, {})[row.number] = row.name
    versions: dict[int, list[VersionTerms]] = {}
    for row in rows:
        versions.setdefault(row.deal_id, []).append(
            _version_terms(row, terms_of.get(row.id, []), authors[row.deal_id]))
    loaded = {}
    for deal in deals:
        loaded[deal.id] = DealTerms(deal.terms_mark, tuple(versions.get(deal.id, ())))
        cache.deals.put(deal.id, loaded[deal.id])
    return loaded


def _version_terms(row: Any, term_rows: Sequence[Any], authors: Mapping[int, str])\
        -> VersionTerms:
    agreed = {term.id: f"agreed on {term.created_at.date().isoformat()} by "
                       f"{authors.get(term.introduced_in, 'the salesperson')}"
              for term in term_rows}
    return VersionTerms(id=row.id, number=row.number, effective_from=row.effective_from,
                        digest=row.digest,
                        compiled=CompiledVersion([_stored_term(term) for term in term_rows]),
                        agreed=agreed)


def _stored_term(row: Any) -> Term:
    return term_from_storage(row.kind, row.params, note=row.note, valid_from=row.valid_from,
                             valid_to=row.valid_to, id=row.id, replaces_id=row.replaces_id)


def deal_terms(session: Session, deals: Iterable[DealRow]) -> dict[int, DealTerms]:
    """The compiled versions of each deal, from the cache while its terms are unchanged."""
    cache = terms_cache()
    found: dict[int, DealTerms] = {}
    stale: dict[int, DealRow] = {}
    for deal in deals:
        cached = cache.deals.get(deal.id)
        if cached is not None and cached.mark == deal.terms_mark:
            found[deal.id] = cached
        else:
            stale[deal.id] = deal
    if stale:
        found.update(_load_deal_terms(session, list(stale.values()), cache))
    return found


# --- the rest of the context, read once per chunk -----------------------------------------


def severities(session: Session) -> dict[str, str]:
    chosen = dict(DEFAULT_SEVERITIES)
    conn = session.connection()
    chosen.update(conn.execute(_sql(conn).severities).all())
    return chosen


@lru_cache(maxsize=8)
def _calendar(country: str, timezone: str) -> BusinessCalendar:
    return BusinessCalendar(country=country, timezone=timezone)


def company_calendar() -> BusinessCalendar:
    """The company's business calendar (``COMPANY_COUNTRY``, ``COMPANY_TIMEZONE``)."""
    cfg = current_app.config
    return _calendar(cfg["COMPANY_COUNTRY"], cfg["COMPANY_TIMEZONE"])


@lru_cache(maxsize=8)
def _add_business_days(country: str, timezone: str) -> Callable[[date, int], date]:
    """The calendar's ``add_business_days``, remembered per date: every order of a day with
    the same lead time asks the same question."""
    return lru_cache(maxsize=4096)(_calendar(country, timezone).add_business_days)


def catalog_items(session: Session, skus: set[str]) -> dict[str, CatalogItem]:
    if not skus:
        return {}
    return {sku: CatalogItem(sku=sku, list_price=price, currency=currency, category=category)
            for sku, price, currency, category in _run(session, "catalog",
                                                       {"skus": sorted(skus)})}


def _signed_decisions(session: Session, version_ids: set[int]) -> dict[int, dict[str, str]]:
    """For each version, each option's decision in the newest signature that decided it."""
    decided: dict[int, dict[str, str]] = {version_id: {} for version_id in version_ids}
    if version_ids:
        for version_id, decisions in _run(session, "signatures",
                                          {"ids": sorted(version_ids)}):
            for item in decisions:
                decided[version_id][item["option"]] = item["decision"]
    return decided


# --- the cap ledger -------------------------------------------------------------------------


def lock_caps(session: Session, cap_ids: Iterable[int]) -> None:
    """Serialise checks that count against the same caps: row locks in id order on
    PostgreSQL (so two chunks never wait for each other in a circle); SQLite write
    transactions are already serial."""
    ids = sorted(set(cap_ids))
    if ids and session.get_bind().dialect.name == "postgresql":
        _run(session, "lock_caps", {"ids": ids})


class Ledger:
    """What counted orders use of each locked cap, kept up to date as the chunk is checked."""

    def __init__(self, totals: dict[int, CapUsage], own: dict[int, dict[int, CapUsage]]):
        self.totals = totals
        self._own: dict[object, dict[int, CapUsage]] = dict(own)

    def others(self, key: object, cap_ids: Iterable[int]) -> dict[int, CapUsage]:
        """What orders other than ``key`` use of each cap."""
        own = self._own.get(key, {})
        return {cap: _minus(self.totals.get(cap, _NOTHING), own.get(cap, _NOTHING))
                for cap in cap_ids}

    def replace(self, key: object, usage: Mapping[int, CapUsage]) -> None:
        """The order ``key`` now counts ``usage`` (empty: it counts nothing)."""
        own = self._own.get(key, {})
        for cap in set(own) | set(usage):
            total = _minus(self.totals.get(cap, _NOTHING), own.get(cap, _NOTHING))
            self.totals[cap] = _plus(total, usage.get(cap, _NOTHING))
        self._own[key] = dict(usage)

    def counted(self, key: object) -> Mapping[int, CapUsage]:
        return self._own.get(key, {})


_NOTHING = CapUsage()


def _plus(a: CapUsage, b: CapUsage) -> CapUsage:
    return CapUsage(a.quantity + b.quantity, a.amount + b.amount)


def _minus(a: CapUsage, b: CapUsage) -> CapUsage:
    return CapUsage(a.quantity - b.quantity, a.amount - b.amount)


def read_ledger(session: Session, cap_ids: set[int], order_ids: set[int]) -> Ledger:
    """What all counted orders use of the caps, and what each of ``order_ids`` uses (they are
    about to be re-checked). Call it after :func:`lock_caps`."""
    totals: dict[int, CapUsage] = {}
    own: dict[int, dict[int, CapUsage]] = {}
    if not cap_ids:
        return Ledger(totals, own)
    conn, caps = session.connection(), sorted(cap_ids)
    if conn.dialect.name != "postgresql":
        # SQLite keeps money as text, which SQL cannot add exactly: add it up here.
        rows: Iterable[Any] = conn.execute(_sql(conn).cap_rows, {"caps": caps})
    elif order_ids:
        # NUMERIC sums are exact: one row per cap, and one per cap and order being re-checked.
        rows = conn.execute(_sql(conn).cap_sums_and_own,
                            {"caps": caps, "orders": sorted(order_ids)})
    else:
        rows = conn.execute(_sql(conn).cap_sums, {"caps": caps})
    for term_id, order_id, quantity, amount in rows:
        usage = CapUsage(int(quantity), Decimal(amount))
        totals[term_id] = _plus(totals.get(term_id, _NOTHING), usage)
        if order_id in order_ids:
            mine = own.setdefault(order_id, {})
            mine[term_id] = _plus(mine.get(term_id, _NOTHING), usage)
    return Ledger(totals, own)


# --- checking a chunk -----------------------------------------------------------------------


@dataclass
class _Planned:
    """One order of the chunk on its way through."""

    incoming: Incoming
    deal: DealRow | None = None
    problem: Deviation | None = None
    version: VersionTerms | None = None
    key: object = None
    found: list[Deviation] = field(default_factory=list)
    status: str = "clear"


def _match(order: Order, contract_ref: str | None, by_id: Mapping[int, DealRow],
           by_account: Mapping[str, AccountDeals], chosen: Mapping[str, str])\
        -> tuple[DealRow | None, Deviation | None]:
    """Tie the order to exactly one deal, or say why it cannot be."""
    if order.deal_id is not None:
        deal = by_id.get(order.deal_id)
        if deal is None:
            return None, deal_deviation("UNKNOWN_DEAL", f"There is no deal {order.deal_id}.",
                                        chosen)
        return deal, None
    account = by_account.get(order.account_ref or "")
    if account is None:
        return None, deal_deviation(
            "UNKNOWN_DEAL", f"No account has the reference {order.account_ref!r}.", chosen)
    deals = account.deals
    if contract_ref:
        named = [d for d in deals if d.external_ref == contract_ref]
        if named:
            deals = named
    live = [d for d in deals if d.closed_at.date() <= order.order_date]
    if len(live) == 1:
        return live[0], None
    if not live:
        return None, deal_deviation(
            "UNKNOWN_DEAL", f"{account.name} has no deal closed by {order.order_date}.", chosen)
    refs = ", ".join(str(d.id) for d in live)
    return None, deal_deviation(
        "AMBIGUOUS_DEAL", f"{account.name} has several deals ({refs}); name the deal_id or the "
        "contract reference.", chosen)


def _existing_orders(session: Session, pairs: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    if not pairs:
        return {}
    conn = session.connection()
    ordered = sorted(pairs)
    params = ({"deal_ids": [d for d, _ in ordered], "po_numbers": [p for _, p in ordered]}
              if conn.dialect.name == "postgresql" else {"pairs": ordered})
    return {(deal_id, po): order_id
            for order_id, deal_id, po in conn.execute(_sql(conn).existing, params)}


def check_chunk(session: Session, actor: User | None, incoming: Sequence[Incoming])\
        -> list[Checked]:
    """Check the orders in order and store each check; the caller owns the transaction."""
    now = clock.now()
    chosen = severities(session)
    orders = [item.order for item in incoming]
    by_id = deals_by_id(session, {o.deal_id for o in orders if o.deal_id is not None})
    by_account = _deals_by_account(session, {o.account_ref for o in orders
                                             if o.deal_id is None and o.account_ref})
    planned = []
    for item in incoming:
        deal, problem = _match(item.order, item.contract_ref, by_id, by_account, chosen)
        planned.append(_Planned(item, deal, problem))
    terms = deal_terms(session, {p.deal.id: p.deal for p in planned if p.deal}.values())
    for plan in planned:
        if plan.deal is not None:
            plan.version = terms[plan.deal.id].in_force(plan.incoming.order.order_date)
    checked = [p for p in planned if p.version is not None]
    versions = [p.version for p in checked if p.version is not None]
    cap_ids = {cap for version in versions for cap in version.compiled.volume_cap_ids}
    lock_caps(session, cap_ids)
    existing = _existing_orders(session, {(p.deal.id, p.incoming.order.po_number)
                                          for p in checked if p.deal is not None})
    ledger = read_ledger(session, cap_ids, set(existing.values()))
    catalog = catalog_items(session, {line.sku for p in checked for line in p.incoming.order.lines})
    decided = _signed_decisions(session, {v.id for v in versions
                                          if v.compiled.has_pending_options})
    cfg = current_app.config
    add_days = _add_business_days(cfg["COMPANY_COUNTRY"], cfg["COMPANY_TIMEZONE"])
    for plan in planned:
        if plan.problem is not None:
            plan.found, plan.status = [plan.problem], order_status([plan.problem])
        else:
            _check(plan, ledger, existing, catalog, decided, add_days, chosen, now)
    return _store(session, actor, planned, existing, ledger, now)


def _check(plan: _Planned, ledger: Ledger, existing: Mapping[tuple[int, str], int],
           catalog: Mapping[str, CatalogItem], decided: Mapping[int, Mapping[str, str]],
           add_days: Callable[[date, int], date], chosen: Mapping[str, str],
           now: datetime) -> None:
    deal, version, order = plan.deal, plan.version, plan.incoming.order
    assert deal is not None and version is not None
    pair = (deal.id, order.po_number)
    plan.key = existing.get(pair, pair)
    compiled = version.compiled.on(order.order_date)
    context = CheckContext(
        catalog=catalog, add_business_days=add_days,
        kickoff_held=deal.kickoff_status == "held",
        kickoff_deadline_passed=deal.kickoff_deadline_passed(now),
        first_shipment_date=deal.first_shipment_date, severities=chosen,
        cap_usage=ledger.others(plan.key, version.compiled.volume_cap_ids),
        signed_decisions=decided.get(version.id, {}), agreed=version.agreed,
        deal_currency=deal.currency)
    plan.found, usage = check_and_count(order, compiled, context)
    plan.status = order_status(plan.found)
    # Re-checking replaces what the order counted; it counts only while its check is clear.
    ledger.replace(plan.key, usage if plan.status == "clear" else {})


# --- storing a chunk ------------------------------------------------------------------------


def _order_values(plan: _Planned, now: datetime) -> dict[str, Any]:
    order = plan.incoming.order
    return {"account_ref": order.account_ref, "order_date": order.order_date,
            "requested_ship_date": order.requested_ship_date, "currency": order.currency,
            "body": order_to_json(order), "source": plan.incoming.source,
            "status": plan.status, "decision": None, "updated_at": now}


# From this many rows a table's rows of a chunk go in by COPY on PostgreSQL: one stream instead
# of a multi-row INSERT whose SQL text (thousands of parameters) psycopg and PostgreSQL would
# both have to parse. Fewer rows (a single check) go in by INSERT, one statement either way.
COPY_FROM_ROWS = 64


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]],
                returning_ids: bool = False) -> list[int]:
    """Insert ``rows`` (dicts with the same keys) into ``table``; their new ids, in order, when
    asked. Columns left out get no default, so give every column that needs a value."""
    if not rows:
        return []
    if conn.dialect.name != "postgresql" or len(rows) < COPY_FROM_ROWS:
        # One row is one plain execution; SQLAlchemy's many-rows path costs more.
        result = conn.execute(_insert(table, returning_ids), rows[0] if len(rows) == 1 else rows)
        return list(result.scalars()) if returning_ids else []
    ids: list[int] = []
    if returning_ids:
        ids = list(conn.execute(_NEW_IDS, {"table": table.name, "n": len(rows)}).scalars())
    names = (["id"] if returning_ids else []) + list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor, cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for index, row in enumerate(rows):
            values = [Jsonb(v) if k in json_columns and v is not None else v
                      for k, v in row.items()]
            copy.write_row([ids[index], *values] if returning_ids else values)
    return ids


@lru_cache(maxsize=32)
def _insert(table: Table, returning_ids: bool) -> Any:
    statement = insert(table)
    return statement.returning(table.c.id, sort_by_parameter_order=True) if returning_ids \
        else statement


_NEW_IDS = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                "FROM generate_series(1, :n)")


def _store(session: Session, actor: User | None, planned: Sequence[_Planned],
           existing: Mapping[tuple[int, str], int], ledger: Ledger, now: datetime)\
        -> list[Checked]:
    # One row per order: a PO seen twice in the chunk is one order with two checks, and its
    # row holds what the later one said.
    new_rows: dict[object, dict[str, Any]] = {}
    updates: dict[int, dict[str, Any]] = {}
    for index, plan in enumerate(planned):
        values = _order_values(plan, now)
        if isinstance(plan.key, int):
            updates[plan.key] = {"order_id": plan.key, **values}
        else:
            key = plan.key if plan.key is not None else ("unkeyed", index)
            plan.key = key
            new_rows[key] = {"deal_id": plan.deal.id if plan.deal else None,
                             "po_number": plan.incoming.order.po_number, "created_at": now,
                             **values}
    ids: dict[object, int] = {order_id: order_id for order_id in updates}
    conn = session.connection()
    keys = list(new_rows)
    made = insert_rows(conn, _ORDERS, [new_rows[key] for key in keys], returning_ids=True)
    ids.update(zip(keys, made, strict=True))
    if updates:
        conn.execute(_sql(conn).update_orders, list(updates.values()))
    check_ids = insert_rows(conn, _CHECKS, [
        {"order_id": ids[p.key], "status": p.status,
         "terms_version_id": p.version.id if p.version else None,
         "terms_version": p.version.number if p.version else None,
         "checked_by_id": actor.id if actor else None, "checked_at": now}
        for p in planned], returning_ids=True)
    insert_rows(conn, _DEVIATIONS, [
        {"check_id": check_id, "code": d.code, "severity": d.severity, "term_id": d.term_id,
         "line": d.line, "field": d.field, "expected": d.expected, "actual": d.actual,
         "message": d.message}
        for check_id, plan in zip(check_ids, planned, strict=True) for d in plan.found])
    _store_cap_usage(session, planned, ids, set(updates), ledger)
    metrics.count_when_committed(session, [(p.status, [d.code for d in p.found])
                                           for p in planned])
    return [Checked(order_id=ids[p.key], check_id=check_id,
                    po_number=p.incoming.order.po_number,
                    deal_id=p.deal.id if p.deal else None, status=p.status,
                    terms_version=p.version.number if p.version else None, deviations=p.found)
            for check_id, p in zip(check_ids, planned, strict=True)]


def _store_cap_usage(session: Session, planned: Sequence[_Planned], ids: Mapping[object, int],
                     rechecked: set[int], ledger: Ledger) -> None:
    if rechecked:
        _run(session, "forget_cap_usage", {"orders": sorted(rechecked)})
    rows, seen = [], set()
    for plan in planned:
        if plan.version is None or plan.key in seen:
            continue
        seen.add(plan.key)
        rows += [{"term_id": term_id, "order_id": ids[plan.key], "quantity": used.quantity,
                  "amount": used.amount} for term_id, used in ledger.counted(plan.key).items()]
    insert_rows(session.connection(), _CAP_USAGE, rows)

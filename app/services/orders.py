"""Orders checked against the terms in force on their date, before they ship.

A check is one transaction: find the deal, compile its terms (cached per version and date), read
what counted orders already took from each volume cap — under a lock on the cap's term row, so
concurrent checks cannot both take the last units — store the check and its deviations, and
update what this order counts against the caps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from flask import current_app
from sqlalchemy import Select, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from app import audit, clock
from app.db.models import (
    Account,
    CapUse,
    Deal,
    DeviationRecord,
    Kickoff,
    OrderCheck,
    OrderDecision,
    OrderRecord,
    OrderReview,
    SeveritySetting,
    TermRow,
    TermsVersionRow,
    User,
)
from app.db.session import unit_of_work
from app.errors import InvalidInput, NotAllowed, NotFound
from app.policy import require
from app.services import catalog
from app.services.kickoffs import deadline_missed
from app.services.paging import Page, paginate
from app.services.record import signed_decisions, version_row_in_force, version_terms
from kickoff.calendar import BusinessCalendar
from terms.check import (
    CapUsage,
    CatalogItem,
    CheckContext,
    CompiledTerms,
    cap_usage_of,
    check_and_count,
    compile_terms,
)
from terms.deviations import (
    CODES,
    DEFAULT_SEVERITIES,
    Deviation,
    deal_deviation,
    invalid_severities,
    order_status,
    to_json,
)
from terms.order import Order, OrderInvalid, order_to_json, parse_order

COUNTING_DECISIONS = ("released", "overridden")
ACTIONS = {"release": "released", "hold": "held", "override": "overridden"}


# --- finding the deal ---------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    deal: Deal | None
    problem: Deviation | None


def _deal_for(session: Session, order: Order, contract_ref: str | None,
              severities: Mapping[str, str]) -> Match:
    """Tie the order to exactly one deal, or say why it cannot be."""
    if order.deal_id is not None:
        deal = session.get(Deal, order.deal_id)
        if deal is None:
            return Match(None, deal_deviation(
                "UNKNOWN_DEAL", f"There is no deal {order.deal_id}.", severities))
        return Match(deal, None)
    account = session.scalar(select(Account).where(Account.external_ref == order.account_ref))
    if account is None:
        return Match(None, deal_deviation(
            "UNKNOWN_DEAL", f"No account has the reference {order.account_ref!r}.", severities))
    deals = list(session.scalars(select(Deal).where(Deal.account_id == account.id)
                                 .order_by(Deal.id)))
    if contract_ref:
        named = [d for d in deals if d.external_ref == contract_ref]
        if named:
            deals = named
    live = [d for d in deals if d.closed_at.date() <= order.order_date]
    if len(live) == 1:
        return Match(live[0], None)
    if not live:
        return Match(None, deal_deviation(
            "UNKNOWN_DEAL", f"{account.name} has no deal closed by {order.order_date}.",
            severities))
    refs = ", ".join(str(d.id) for d in live)
    return Match(None, deal_deviation(
        "AMBIGUOUS_DEAL", f"{account.name} has several deals ({refs}); name the deal_id or the "
        "contract reference.", severities))


# --- compiling terms, once per version and date -------------------------------------------


@lru_cache(maxsize=4096)
def _compiled(version_id: int, on: date, _digest: str, _term_ids: tuple[int, ...])\
        -> CompiledTerms:
    from app.extensions import db

    version = db.session.get(TermsVersionRow, version_id)
    assert version is not None
    return compile_terms(version_terms(version), on)


def compiled_terms(version: TermsVersionRow, on: date) -> CompiledTerms:
    """Terms rows never change, so a version's compiled form can be kept. The key guards
    against a database that was rebuilt under a running process: the digest covers what was
    agreed but not the ids of the term rows, which deviations and the cap ledger name, so the
    key holds those too."""
    return _compiled(version.id, on, version.digest,
                     tuple(entry.term_id for entry in version.entries))


# --- the context of a check -----------------------------------------------------------------


def severities(session: Session) -> dict[str, str]:
    chosen = dict(DEFAULT_SEVERITIES)
    chosen.update({s.code: s.severity for s in session.scalars(select(SeveritySetting))})
    return chosen


def company_calendar() -> BusinessCalendar:
    cfg = current_app.config
    return BusinessCalendar(country=cfg["COMPANY_COUNTRY"], timezone=cfg["COMPANY_TIMEZONE"])


def _agreed(session: Session, deal: Deal) -> dict[int, str]:
    authors = {v.number: v.author.name for v in deal.versions}
    return {row.id: f"agreed on {row.created_at.date().isoformat()} by "
                    f"{authors.get(row.introduced_in, 'the salesperson')}"
            for row in session.scalars(select(TermRow).where(TermRow.deal_id == deal.id))}


def _catalog(session: Session, order: Order) -> dict[str, CatalogItem]:
    products = catalog.products_by_sku(session, [line.sku for line in order.lines])
    return {sku: CatalogItem(sku=p.sku, list_price=p.list_price, currency=p.currency,
                             category=p.category) for sku, p in products.items()}


def _lock_caps(session: Session, cap_ids: Sequence[int]) -> None:
    """Serialise checks that count against the same caps (row locks on PostgreSQL; SQLite
    write transactions are already serial)."""
    if cap_ids and session.get_bind().dialect.name == "postgresql":
        session.execute(select(TermRow.id).where(TermRow.id.in_(sorted(cap_ids)))
                        .with_for_update())


def _cap_usage(session: Session, cap_ids: Sequence[int], order_id: int | None)\
        -> dict[int, CapUsage]:
    """What the other counted orders took from each cap (summed here: SQLite keeps money as
    text, which SQL cannot add exactly)."""
    query = select(CapUse.term_id, CapUse.quantity, CapUse.amount).where(
        CapUse.term_id.in_(cap_ids))
    if order_id is not None:
        query = query.where(CapUse.order_id != order_id)
    totals: dict[int, CapUsage] = {}
    for term_id, quantity, amount in session.execute(query) if cap_ids else ():
        seen = totals.get(term_id, CapUsage())
        totals[term_id] = CapUsage(seen.quantity + quantity, seen.amount + amount)
    return totals


def _cap_ids(compiled: CompiledTerms) -> list[int]:
    return sorted(t.id for t in compiled.terms if t.kind == "volume_cap" and t.id is not None)


def _context(session: Session, deal: Deal, order: Order, version: TermsVersionRow,
             cap_usage: Mapping[int, CapUsage], chosen: Mapping[str, str]) -> CheckContext:
    kickoff = session.scalar(select(Kickoff).where(Kickoff.deal_id == deal.id))
    decided = {name: next(d["decision"] for d in sig.decisions if d["option"] == name)
               for name, sig in signed_decisions(session, version).items()}
    return CheckContext(
        catalog=_catalog(session, order), add_business_days=company_calendar().add_business_days,
        kickoff_held=bool(kickoff and kickoff.status == "held"),
        kickoff_deadline_passed=bool(kickoff and deadline_missed(kickoff)),
        first_shipment_date=deal.first_shipment_date, severities=chosen, cap_usage=cap_usage,
        signed_decisions=decided, agreed=_agreed(session, deal), deal_currency=deal.currency)


# --- checking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    order: OrderRecord
    check: OrderCheck
    deviations: list[Deviation]

    def as_json(self) -> dict[str, Any]:
        return {"order_id": self.order.id, "check_id": self.check.id,
                "po_number": self.order.po_number, "deal_id": self.order.deal_id,
                "status": self.check.status, "terms_version": self.check.terms_version,
                "decision": self.order.decision,
                "deviations": [to_json(d) for d in self.deviations]}


def read_order(raw: Mapping[str, Any]) -> tuple[Order, str | None]:
    """The order from its JSON (or intake) form, and a contract reference if one was given."""
    body = dict(raw)
    contract_ref = body.pop("contract_ref", None)
    return parse_order(body), contract_ref if isinstance(contract_ref, str) else None


def _existing(session: Session, deal: Deal | None, order: Order) -> OrderRecord | None:
    if deal is None:
        return None
    return session.scalar(select(OrderRecord).where(OrderRecord.deal_id == deal.id,
                                                    OrderRecord.po_number == order.po_number))


def _store(session: Session, deal: Deal | None, order: Order, existing: OrderRecord | None,
           source: str, found: list[Deviation], version: TermsVersionRow | None,
           actor: User | None) -> tuple[OrderRecord, OrderCheck]:
    status = order_status(found)
    record = existing or OrderRecord(deal_id=deal.id if deal else None, po_number=order.po_number)
    record.account_ref, record.order_date = order.account_ref, order.order_date
    record.requested_ship_date, record.currency = order.requested_ship_date, order.currency
    record.body, record.source, record.status = order_to_json(order), source, status
    record.decision, record.updated_at = None, clock.now()
    if existing is None:
        session.add(record)
    session.flush()
    check = OrderCheck(order_id=record.id, status=status,
                       terms_version_id=version.id if version else None,
                       terms_version=version.number if version else None,
                       checked_by_id=actor.id if actor else None)
    session.add(check)
    session.flush()
    session.add_all(DeviationRecord(check_id=check.id, code=d.code, severity=d.severity,
                                    term_id=d.term_id, line=d.line, field=d.field,
                                    expected=d.expected, actual=d.actual, message=d.message)
                    for d in found)
    return record, check


def _count_against_caps(session: Session, record: OrderRecord, usage: Mapping[int, CapUsage],
                        counts: bool) -> None:
    """Re-checking replaces what the order counted; it counts only while clear or released."""
    session.execute(delete(CapUse).where(CapUse.order_id == record.id))
    if counts:
        session.add_all(CapUse(term_id=term_id, order_id=record.id, quantity=u.quantity,
                               amount=u.amount) for term_id, u in usage.items())


def check_one(session: Session, actor: User | None, raw: Mapping[str, Any],
              source: str = "json") -> CheckResult:
    """Check one order and keep the result; the caller owns the transaction."""
    order, contract_ref = read_order(raw)
    chosen = severities(session)
    match = _deal_for(session, order, contract_ref, chosen)
    if match.deal is None:
        assert match.problem is not None
        record, check = _store(session, None, order, None, source, [match.problem], None, actor)
        return CheckResult(record, check, [match.problem])
    deal = match.deal
    version = version_row_in_force(deal, order.order_date)
    compiled = compiled_terms(version, order.order_date)
    caps = _cap_ids(compiled)
    _lock_caps(session, caps)
    existing = _existing(session, deal, order)
    context = _context(session, deal, order, version,
                       _cap_usage(session, caps, existing.id if existing else None), chosen)
    found, usage = check_and_count(order, compiled, context)
    record, check = _store(session, deal, order, existing, source, found, version, actor)
    _count_against_caps(session, record, usage, check.status == "clear")
    return CheckResult(record, check, found)


def check(session: Session, actor: User, raw: Mapping[str, Any], source: str = "json")\
        -> CheckResult:
    """`POST /orders/check`: one order, one transaction, one audit event."""
    require(actor, "orders.check")
    try:
        with unit_of_work(session):
            result = check_one(session, actor, raw, source)
            audit.record(session, actor_id=actor.id, action="order.checked", entity="order",
                         entity_id=result.order.id, data={
                             "check_id": result.check.id, "po_number": result.order.po_number,
                             "deal_id": result.order.deal_id, "status": result.check.status,
                             "codes": [d.code for d in result.deviations]})
    except OrderInvalid as exc:
        raise InvalidInput("The order cannot be checked as sent; nothing was saved.",
                           exc.errors) from None
    return result


# --- decisions ------------------------------------------------------------------------------


def _refuse_decision(actor: User, record: OrderRecord, action: str) -> None:
    """Raise NotAllowed unless the actor may take the action on the order."""
    require(actor, "orders.override" if action == "override" else "orders.decide")
    if action == "release" and record.status == "blocked":
        raise NotAllowed("A blocked order cannot be released; a manager may override it.")


def _worth_offering(record: OrderRecord, action: str) -> bool:
    """A decision that would change something: releasing a flagged or held order, overriding
    a blocked one, holding one not held yet."""
    if ACTIONS[action] == record.decision:
        return False
    if action == "release":
        return record.status == "flagged" or record.decision == "held"
    if action == "override":
        return record.status == "blocked"
    return True


def decision_choices(actor: User, record: OrderRecord) -> list[str]:
    """The decisions the actor may take on the order as it stands, for pages to offer."""
    choices = []
    for action in ACTIONS:
        try:
            _refuse_decision(actor, record, action)
        except NotAllowed:
            continue
        if _worth_offering(record, action):
            choices.append(action)
    return choices


def decide(session: Session, actor: User, order_id: int, action: str, reason: str)\
        -> OrderRecord:
    """Release, hold or (a manager) override an order, with a written reason."""
    record = get_order(session, actor, order_id)
    _refuse_decision(actor, record, action)
    if not reason.strip():
        raise InvalidInput.field("reason", "Give the reason for the decision.")
    latest = record.checks[-1]
    with unit_of_work(session):
        session.add(OrderDecision(order_id=record.id, check_id=latest.id, action=action,
                                  reason=reason.strip(), user_id=actor.id))
        record.decision, record.updated_at = ACTIONS[action], clock.now()
        _recount_after_decision(session, record)
        audit.record(session, actor_id=actor.id, action=f"order.{ACTIONS[action]}",
                     entity="order", entity_id=record.id,
                     data={"check_id": latest.id, "reason": reason.strip(),
                           "status": record.status})
        if action in ("release", "override") and record.deal_id:
            from app.services.followups import after_release

            after_release(session, record)
    return record


def _recount_after_decision(session: Session, record: OrderRecord) -> None:
    if record.deal_id is None:
        return
    deal = session.get(Deal, record.deal_id)
    assert deal is not None
    order, _ = read_order(record.body)
    version = version_row_in_force(deal, order.order_date)
    compiled = compiled_terms(version, order.order_date)
    caps = _cap_ids(compiled)
    _lock_caps(session, caps)
    context = _context(session, deal, order, version, {}, severities(session))
    counts = record.decision in COUNTING_DECISIONS or (
        record.decision is None and record.status == "clear")
    _count_against_caps(session, record, cap_usage_of(order, compiled, context), counts)


# --- reading --------------------------------------------------------------------------------


def get_order(session: Session, actor: User, order_id: int) -> OrderRecord:
    require(actor, "read")
    record = session.get(OrderRecord, order_id)
    if record is None:
        raise NotFound(f"There is no order {order_id}.")
    return record


@dataclass(frozen=True)
class OrderFilter:
    status: str | None = None
    deal_id: int | None = None
    code: str | None = None
    since: date | None = None
    until: date | None = None
    waiting: bool = False


def _latest_check_id() -> Any:
    return (select(func.max(OrderCheck.id)).where(OrderCheck.order_id == OrderRecord.id)
            .correlate(OrderRecord).scalar_subquery())


def _has_open_review() -> Any:
    """The latest check has a MANUAL_REVIEW item nobody has ticked off yet."""
    return select(DeviationRecord.id).where(
        DeviationRecord.check_id == _latest_check_id(), DeviationRecord.code == "MANUAL_REVIEW",
        ~select(OrderReview.id).where(OrderReview.deviation_id == DeviationRecord.id).exists(),
    ).exists()


def _waiting() -> Any:
    """Orders someone still has to act on: flagged or blocked ones not decided yet, held ones,
    and those with a manual review item not ticked off."""
    undecided = and_(OrderRecord.status.in_(("flagged", "blocked")),
                     OrderRecord.decision.is_(None))
    return or_(undecided, OrderRecord.decision == "held", _has_open_review())


def _filtered(query: Select[Any], f: OrderFilter) -> Select[Any]:
    if f.waiting:
        query = query.where(_waiting())
    if f.status:
        query = query.where(OrderRecord.status == f.status)
    if f.deal_id:
        query = query.where(OrderRecord.deal_id == f.deal_id)
    if f.since:
        query = query.where(OrderRecord.order_date >= f.since)
    if f.until:
        query = query.where(OrderRecord.order_date <= f.until)
    if f.code:
        latest = (select(func.max(OrderCheck.id)).where(OrderCheck.order_id == OrderRecord.id)
                  .correlate(OrderRecord).scalar_subquery())
        query = query.where(select(DeviationRecord.id).where(
            DeviationRecord.check_id == latest, DeviationRecord.code == f.code).exists())
    return query


def list_orders(session: Session, actor: User, f: OrderFilter, page: int, per_page: int)\
        -> Page[OrderRecord]:
    require(actor, "read")
    if f.code and f.code not in CODES:
        raise InvalidInput.field("code", f"Unknown deviation code {f.code!r}.")
    query = _filtered(select(OrderRecord).order_by(OrderRecord.id.desc()), f)
    return paginate(session, query, page, per_page)


def decisions_of(session: Session, record: OrderRecord) -> list[OrderDecision]:
    return list(session.scalars(select(OrderDecision).where(OrderDecision.order_id == record.id)
                                .order_by(OrderDecision.id)))


def orders_for_terms(session: Session, term_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Orders checked against any of these terms: by a deviation naming one, or by a check
    against a version that held one."""
    from app.db.models import VersionTerm

    versions = select(VersionTerm.version_id).where(VersionTerm.term_id.in_(term_ids))
    checks = session.scalars(select(OrderCheck).where(
        OrderCheck.terms_version_id.in_(versions)).order_by(OrderCheck.id))
    rows = []
    for c in checks:
        named = [d for d in c.deviations if d.term_id in term_ids]
        rows.append({"order_id": c.order_id, "po_number": c.order.po_number,
                     "check_id": c.id, "checked_at": c.checked_at.isoformat(),
                     "terms_version": c.terms_version, "status": c.status,
                     "deviations": [{"code": d.code, "severity": d.severity,
                                     "message": d.message, "term_id": d.term_id}
                                    for d in named]})
    return rows


# --- severity settings ---------------------------------------------------------------------


def set_severities(session: Session, actor: User, raw: Mapping[str, Any]) -> dict[str, str]:
    require(actor, "settings.write")
    problems = invalid_severities(raw)
    if problems:
        raise InvalidInput("Unknown codes or severities; nothing was changed.", problems)
    before = severities(session)
    with unit_of_work(session):
        for code, severity in raw.items():
            row = session.get(SeveritySetting, code)
            if row is None:
                session.add(SeveritySetting(code=code, severity=severity,
                                            updated_by_id=actor.id))
            else:
                row.severity, row.updated_by_id, row.updated_at = severity, actor.id, clock.now()
        changes = {c: [before[c], s] for c, s in raw.items() if before[c] != s}
        audit.record(session, actor_id=actor.id, action="settings.severities", entity="settings",
                     entity_id="severities", data={"changes": changes})
    return severities(session)


def counted_units(session: Session, term_id: int) -> int:
    """Units counted against a volume cap (for people and tests)."""
    return int(session.scalar(select(func.coalesce(func.sum(CapUse.quantity), 0))
                              .where(CapUse.term_id == term_id)) or 0)


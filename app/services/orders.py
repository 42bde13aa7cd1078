"""Orders checked against the terms in force on their date, before they ship.

A check is one transaction, through the same chunk checker as batches
(:mod:`app.services.checking`): find the deal, take its compiled terms (kept per version),
read what counted orders already took from each volume cap — under a lock on the cap's term
row, so concurrent checks cannot both take the last units — store the check and its
deviations, and update what this order counts against the caps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import audit, clock
from app.db.models import (
    CapUse,
    DeviationRecord,
    OrderCheck,
    OrderDecision,
    OrderRecord,
    OrderReview,
    SeveritySetting,
    User,
)
from app.db.session import unit_of_work
from app.errors import InvalidInput, NotAllowed, NotFound
from app.policy import require
from app.services import checking
from app.services.checking import Checked, Incoming, company_calendar, severities
from app.services.paging import Page, paginate
from terms.check import CheckContext, cap_usage_of
from terms.deviations import CODES, Deviation, invalid_severities, to_json
from terms.order import OrderInvalid, parse_order

__all__ = ["CheckResult", "check", "check_one", "company_calendar", "read_order", "severities"]

COUNTING_DECISIONS = ("released", "overridden")
ACTIONS = {"release": "released", "hold": "held", "override": "overridden"}


# --- checking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """A stored check; ``order`` and ``check`` load the records when a caller wants them."""

    checked: Checked
    session: Session

    @property
    def deviations(self) -> list[Deviation]:
        return self.checked.deviations

    @property
    def order(self) -> OrderRecord:
        record = self.session.get(OrderRecord, self.checked.order_id)
        assert record is not None
        return record

    @property
    def check(self) -> OrderCheck:
        record = self.session.get(OrderCheck, self.checked.check_id)
        assert record is not None
        return record

    def as_json(self) -> dict[str, Any]:
        return result_json(self.checked)


def result_json(checked: Checked) -> dict[str, Any]:
    """A check in the shape of the API (``POST /orders/check``, each result of a batch)."""
    return {"order_id": checked.order_id, "check_id": checked.check_id,
            "po_number": checked.po_number, "deal_id": checked.deal_id,
            "status": checked.status, "terms_version": checked.terms_version,
            "decision": None, "deviations": [to_json(d) for d in checked.deviations]}


def read_order(raw: Mapping[str, Any]) -> tuple[Any, str | None]:
    """The order from its JSON (or intake) form, and a contract reference if one was given."""
    body = dict(raw)
    contract_ref = body.pop("contract_ref", None)
    return parse_order(body), contract_ref if isinstance(contract_ref, str) else None


def incoming(raw: Mapping[str, Any], source: str = "json") -> Incoming:
    """An order ready to check; raises OrderInvalid naming every problem."""
    order, contract_ref = read_order(raw)
    return Incoming(order, contract_ref, source)


def check_one(session: Session, actor: User | None, raw: Mapping[str, Any],
              source: str = "json") -> CheckResult:
    """Check one order and keep the result; the caller owns the transaction."""
    [checked] = checking.check_chunk(session, actor, [incoming(raw, source)])
    return CheckResult(checked, session)


def check(session: Session, actor: User, raw: Mapping[str, Any], source: str = "json")\
        -> CheckResult:
    """`POST /orders/check`: one order, one transaction, one audit event."""
    require(actor, "orders.check")
    try:
        item = incoming(raw, source)
    except OrderInvalid as exc:
        raise InvalidInput("The order cannot be checked as sent; nothing was saved.",
                           exc.errors) from None
    for attempt in (1, 2):
        try:
            with unit_of_work(session):
                [checked] = checking.check_chunk(session, actor, [item])
                audit.record(session, actor_id=actor.id, action="order.checked",
                             entity="order", entity_id=checked.order_id, data={
                                 "check_id": checked.check_id, "po_number": checked.po_number,
                                 "deal_id": checked.deal_id, "status": checked.status,
                                 "codes": [d.code for d in checked.deviations]})
            return CheckResult(checked, session)
        except IntegrityError:
            # A concurrent first check of the same PO made the order meanwhile: checked
            # again, this is a re-check of it.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


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
    """A released or overridden order counts against its caps; a held one does not."""
    if record.deal_id is None:
        return
    order, _ = read_order(record.body)
    deals = checking.deals_by_id(session, {record.deal_id})
    deal = deals[record.deal_id]
    version = checking.deal_terms(session, [deal])[deal.id].in_force(order.order_date)
    caps = version.compiled.volume_cap_ids
    checking.lock_caps(session, caps)
    session.execute(delete(CapUse).where(CapUse.order_id == record.id))
    counts = record.decision in COUNTING_DECISIONS or (
        record.decision is None and record.status == "clear")
    if not counts or not caps:
        return
    context = CheckContext(
        catalog=checking.catalog_items(session, {line.sku for line in order.lines}),
        add_business_days=company_calendar().add_business_days, kickoff_held=True,
        first_shipment_date=deal.first_shipment_date, deal_currency=deal.currency)
    usage = cap_usage_of(order, version.compiled.on(order.order_date), context)
    if usage:
        session.execute(insert(CapUse), [
            {"term_id": term_id, "order_id": record.id, "quantity": used.quantity,
             "amount": used.amount} for term_id, used in usage.items()])


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


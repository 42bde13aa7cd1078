"""What managers watch: deals whose kickoff is at risk, what they were alerted to, blocked
orders only they can override, open questions, and how often orders deviate from the terms —
by deviation code and by salesperson, week by week."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from app import clock
from app.db.models import (
    AuditEvent,
    Deal,
    DeviationRecord,
    Kickoff,
    OrderCheck,
    OrderRecord,
    User,
)
from app.policy import require
from app.services import order_questions
from app.services.kickoffs import kickoff_at_risk
from terms.deviations import DEPARTING

# The audit actions that told managers a kickoff needs them.
ESCALATIONS = ("kickoff.at_risk", "kickoff.escalated")
NO_DEAL = "No deal"


@dataclass(frozen=True)
class Alert:
    event: AuditEvent
    deal: Deal | None
    kickoff: Kickoff | None


@dataclass(frozen=True)
class DeviationCounts:
    """Deviations (warnings and blocks; manual review items are tasks, not deviations) on the
    latest check of each order, counted by the week of the order date."""

    weeks: list[date]
    by_code: dict[str, list[int]]
    by_salesperson: dict[str, list[int]]

    @property
    def total(self) -> int:
        return sum(sum(counts) for counts in self.by_code.values())


@dataclass(frozen=True)
class Dashboard:
    at_risk: list[tuple[Deal, Kickoff]]
    alerts: list[Alert]
    blocked: list[OrderRecord]
    open_questions: int
    counts: DeviationCounts


def at_risk_deals(session: Session) -> list[tuple[Deal, Kickoff]]:
    """Deals whose kickoff found no slot or missed its deadline, nearest first shipment first."""
    maybe = select(Deal, Kickoff).join(Kickoff, Kickoff.deal_id == Deal.id).where(
        Kickoff.status != "held",
        or_(Kickoff.status == "unscheduled", Kickoff.deadline <= clock.now()),
    ).options(joinedload(Deal.account), joinedload(Deal.sales_owner))
    found = [(d, k) for d, k in session.execute(maybe) if kickoff_at_risk(k)]
    return sorted(found, key=lambda pair: (pair[0].first_shipment_date, pair[0].id))


def alerts(session: Session, limit: int = 20) -> list[Alert]:
    """The newest at-risk notices and escalations, each with the deal and its kickoff now."""
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.action.in_(ESCALATIONS))
                                  .order_by(AuditEvent.seq.desc()).limit(limit)))
    deal_ids = {int(e.entity_id) for e in events if e.entity == "deal" and e.entity_id.isdigit()}
    deals = {d.id: d for d in session.scalars(select(Deal).where(Deal.id.in_(deal_ids)))}
    kickoffs = {k.deal_id: k for k in session.scalars(
        select(Kickoff).where(Kickoff.deal_id.in_(deal_ids)))}
    return [Alert(e, deals.get(int(e.entity_id)) if e.entity_id.isdigit() else None,
                  kickoffs.get(int(e.entity_id)) if e.entity_id.isdigit() else None)
            for e in events]


def blocked_orders(session: Session, limit: int = 10) -> list[OrderRecord]:
    """Blocked orders neither overridden nor released: only a manager can let them ship."""
    return list(session.scalars(select(OrderRecord).where(
        OrderRecord.status == "blocked",
        or_(OrderRecord.decision.is_(None), OrderRecord.decision == "held"),
    ).order_by(OrderRecord.order_date, OrderRecord.id).limit(limit)))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def deviation_counts(session: Session, today: date, weeks: int) -> DeviationCounts:
    """Counts per week for the `weeks` weeks up to and including this one."""
    first = _monday(today) - timedelta(weeks=weeks - 1)
    last = _monday(today) + timedelta(days=6)
    latest = (select(OrderCheck.order_id, func.max(OrderCheck.id).label("check_id"))
              .group_by(OrderCheck.order_id).subquery())
    rows = session.execute(
        select(OrderRecord.order_date, DeviationRecord.code, Deal.sales_owner_id,
               func.count(DeviationRecord.id))
        .join(latest, latest.c.order_id == OrderRecord.id)
        .join(DeviationRecord, DeviationRecord.check_id == latest.c.check_id)
        .outerjoin(Deal, Deal.id == OrderRecord.deal_id)
        .where(OrderRecord.order_date >= first, OrderRecord.order_date <= last,
               DeviationRecord.severity.in_(DEPARTING))
        .group_by(OrderRecord.order_date, DeviationRecord.code, Deal.sales_owner_id))
    names = {u.id: u.name for u in session.scalars(select(User))}
    by_code: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    by_person: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    for day, code, owner_id, n in rows:
        week = (day - first).days // 7
        by_code[code][week] += n
        by_person[names.get(owner_id, NO_DEAL) if owner_id else NO_DEAL][week] += n
    return DeviationCounts([first + timedelta(weeks=w) for w in range(weeks)],
                           _biggest_first(by_code), _biggest_first(by_person))


def _biggest_first(series: dict[str, list[int]]) -> dict[str, list[int]]:
    return dict(sorted(series.items(), key=lambda item: (-sum(item[1]), item[0])))


def dashboard(session: Session, actor: User, weeks: int) -> Dashboard:
    """Everything on the manager's dashboard, as of now."""
    require(actor, "reports.read")
    return Dashboard(at_risk=at_risk_deals(session), alerts=alerts(session),
                     blocked=blocked_orders(session),
                     open_questions=order_questions.open_count(session),
                     counts=deviation_counts(session, clock.today(), weeks))


def describe_alert(alert: Alert) -> dict[str, Any]:
    """An alert in words: what managers were told, and where the kickoff stands now."""
    told = ("No common free time was found for the kickoff" if alert.event.action ==
            "kickoff.at_risk" else "The kickoff deadline passed without the kickoff held")
    return {"told": told, "now": alert.kickoff.status if alert.kickoff else None,
            "resolved": bool(alert.kickoff and not kickoff_at_risk(alert.kickoff))}

"""The account manager's board: the kickoffs of their deals against first shipment dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.db.models import Deal, Kickoff, User
from app.policy import may, require
from app.services.kickoffs import kickoff_at_risk


@dataclass(frozen=True)
class BoardItem:
    deal: Deal
    kickoff: Kickoff
    at_risk: bool

    @property
    def first_shipment(self) -> date:
        return self.deal.first_shipment_date

    @property
    def start(self) -> datetime | None:
        return self.kickoff.start


def _order(item: BoardItem) -> tuple[int, int, str, date]:
    """At-risk first, then upcoming by start, then held ones last."""
    held = item.kickoff.status == "held"
    when = item.start.isoformat() if item.start else ""
    return (0 if item.at_risk else 1, 1 if held else 0, when, item.first_shipment)


def board(session: Session, actor: User, everyone: bool = False) -> list[BoardItem]:
    """The kickoffs of the actor's deals (a manager may ask for everyone's)."""
    require(actor, "read")
    query = select(Deal, Kickoff).join(Kickoff, Kickoff.deal_id == Deal.id).options(
        joinedload(Deal.account))
    if not (everyone and may(actor, "kickoffs.everyone")):
        query = query.where(Deal.account_manager_id == actor.id)
    items = [BoardItem(d, k, kickoff_at_risk(k)) for d, k in session.execute(query)]
    return sorted(items, key=_order)

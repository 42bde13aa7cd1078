"""What the kickoff of a deal about to be closed would be: the same window and slot search as
closing it, on an unsaved deal, so the salesperson sees the meeting before committing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app import clock
from app.db.models import Deal, User
from app.services import kickoffs
from kickoff.calendar import Window
from kickoff.intervals import Interval


@dataclass(frozen=True)
class Preview:
    window: Window | None
    slot: Interval | None
    people: tuple[User, ...]


def preview(session: Session, sales_owner: User, account_manager: User | None,
            fulfillment_lead: User | None, first_shipment: date | None) -> Preview | None:
    """The slot closing now would book, or None when the people or the date are missing."""
    if account_manager is None or fulfillment_lead is None or first_shipment is None:
        return None
    deal = Deal(closed_at=clock.now(), first_shipment_date=first_shipment)
    deal.sales_owner, deal.account_manager, deal.fulfillment_lead = \
        sales_owner, account_manager, fulfillment_lead
    cfg = kickoffs.settings()
    window = kickoffs.window_for(deal, cfg)
    slot = kickoffs.find_slot(session, deal, window, cfg)
    return Preview(window, slot, tuple(kickoffs.required_people(deal)))

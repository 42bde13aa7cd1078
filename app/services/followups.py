"""After the first order ships: a follow-up call with the customer for the account manager."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.db.models import Deal, OrderRecord
from app.services import outbox
from app.services.orders import company_calendar

FOLLOW_UP_BUSINESS_DAYS = 3
FOLLOW_UP_LOCAL_TIME = time(10, 0)


def after_release(session: Session, record: OrderRecord) -> None:
    """The first released order of a deal plans one follow-up call (later ones change nothing)."""
    deal = session.get(Deal, record.deal_id)
    assert deal is not None
    if deal.status in ("closed", "kicked_off"):
        deal.status = "shipping"
    day = company_calendar().add_business_days(record.requested_ship_date,
                                               FOLLOW_UP_BUSINESS_DAYS)
    manager = deal.account_manager
    local = datetime.combine(day, FOLLOW_UP_LOCAL_TIME, tzinfo=ZoneInfo(manager.timezone))
    outbox.plan(session, key=f"followup:{deal.id}", kind="followup_call", deal_id=deal.id,
                due_at=local.astimezone(UTC) - timedelta(days=1),
                payload={"order_id": record.id, "call_at": local.astimezone(UTC).isoformat()})

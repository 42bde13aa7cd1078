"""Manual review items: a clause agreed with `review_on_order` puts a MANUAL_REVIEW item on
every check of an order, and fulfillment ticks each one off once they have looked at it.

A tick-off belongs to the check it was made on: a re-check is a new question, so its items
are open again, as a decision is cleared by a re-check.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import audit
from app.db.models import DeviationRecord, OrderRecord, OrderReview, User
from app.db.session import unit_of_work
from app.errors import AlreadyExists, InvalidInput
from app.policy import require
from app.services.orders import get_order

CODE = "MANUAL_REVIEW"


@dataclass(frozen=True)
class ReviewItem:
    """One manual review item of the order's latest check, and its tick-off if made."""

    deviation: DeviationRecord
    review: OrderReview | None

    @property
    def open(self) -> bool:
        return self.review is None


def review_items(session: Session, record: OrderRecord) -> list[ReviewItem]:
    """The manual review items of the order's latest check, in the check's order."""
    if not record.checks:
        return []
    items = [d for d in record.checks[-1].deviations if d.code == CODE]
    ticked = {r.deviation_id: r for r in session.scalars(
        select(OrderReview).where(OrderReview.deviation_id.in_([d.id for d in items])))}
    return [ReviewItem(d, ticked.get(d.id)) for d in items]


def items_of(session: Session, actor: User, order_id: int) -> tuple[OrderRecord, list[ReviewItem]]:
    record = get_order(session, actor, order_id)
    return record, review_items(session, record)


def tick_off(session: Session, actor: User, order_id: int, deviation_id: int, note: str = "")\
        -> OrderReview:
    """Record that the actor looked at one manual review item of the order's latest check."""
    record = get_order(session, actor, order_id)
    require(actor, "orders.review")
    item = next((i for i in review_items(session, record) if i.deviation.id == deviation_id),
                None)
    if item is None:
        raise InvalidInput.field("deviation_id", "That is not a manual review item of the "
                                 "order's latest check; nothing was recorded.")
    if item.review is not None:
        raise _already(item.review)
    check = record.checks[-1]
    try:
        with unit_of_work(session):
            review = OrderReview(order_id=record.id, check_id=check.id, deviation_id=deviation_id,
                                 reviewed_by_id=actor.id, note=note.strip())
            session.add(review)
            session.flush()
            audit.record(session, actor_id=actor.id, action="order.review_ticked_off",
                         entity="order", entity_id=record.id, data={
                             "check_id": check.id, "deviation_id": deviation_id,
                             "term_id": item.deviation.term_id, "note": review.note})
    except IntegrityError:
        # Someone ticked the same item off a moment earlier: theirs is the record.
        earlier = session.scalar(select(OrderReview).where(
            OrderReview.deviation_id == deviation_id))
        if earlier is None:
            raise
        raise _already(earlier) from None
    return review


def _already(review: OrderReview) -> AlreadyExists:
    return AlreadyExists(f"This item was already ticked off by {review.reviewed_by.name} at "
                         f"{review.reviewed_at.isoformat()}.")

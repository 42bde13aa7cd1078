"""Calendars people can open or subscribe to: one kickoff, or all of a user's dates."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Deal, Kickoff, Promise, User
from app.errors import NotFound
from app.services import kickoffs
from kickoff.invite import FeedItem, build_cancel, build_feed, build_request


def kickoff_ics(session: Session, deal: Deal) -> bytes:
    """The current invitation: REQUEST while it stands, CANCEL once it has no slot."""
    kickoff = kickoffs.get_kickoff(session, deal)
    if kickoff.start is None:
        raise NotFound(f"The kickoff of deal {deal.id} has no time yet: it is {kickoff.status}.")
    event = kickoffs.kickoff_event(session, deal, kickoff, kickoffs.settings())
    return build_cancel(event) if kickoff.status == "cancelled" else build_request(event)


def _kickoff_items(session: Session, user: User) -> list[FeedItem]:
    rows = session.execute(select(Kickoff, Deal).join(Deal, Kickoff.deal_id == Deal.id).where(
        Kickoff.status.in_(("scheduled", "held")), Kickoff.start.is_not(None),
        or_(Deal.sales_owner_id == user.id, Deal.account_manager_id == user.id,
            Deal.fulfillment_lead_id == user.id)).order_by(Kickoff.start))
    return [FeedItem(uid=k.uid, start=k.start, end=k.end,  # type: ignore[arg-type]
                     summary=f"Kickoff: {d.account.name} — {d.title}",
                     description=f"Deal {d.id}; first shipment {d.first_shipment_date}.")
            for k, d in rows]


def _promise_items(session: Session, user: User) -> list[FeedItem]:
    since = clock.today() - timedelta(days=90)
    promises = session.scalars(select(Promise).where(
        Promise.owner_id == user.id, Promise.due >= since).order_by(Promise.due))
    return [FeedItem(uid=f"promise-{p.id}@handoff", start=clock.now(), end=None,
                     summary=f"Due: {p.text}", description=f"Promised on deal {p.deal_id}.",
                     all_day=p.due) for p in promises]


def user_feed(session: Session, feed_token: str) -> bytes:
    user = session.scalar(select(User).where(User.feed_token == feed_token))
    if user is None or not user.active:
        raise NotFound("There is no calendar feed at this address.")
    items = _kickoff_items(session, user) + _promise_items(session, user)
    return build_feed(f"Handoff — {user.name}", items, clock.now())

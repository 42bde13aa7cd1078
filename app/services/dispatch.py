"""Claiming and doing due work. Each row is claimed with a row lock (SKIP LOCKED on PostgreSQL)
and finished in the same transaction, so several scheduler processes never do one row twice and
a process killed midway leaves the row to be claimed again."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app import audit, clock
from app.db.models import Deal, DueWork, Kickoff, OutboxMessage, Promise, User
from app.mail import Attachment, compose, deliver
from app.services import kickoffs, outbox

MAX_ATTEMPTS = 8
log = logging.getLogger(__name__)


def now() -> datetime:
    return clock.now()


def _claim_one(session: Session, model: type, *conditions: object) -> object | None:
    query = select(model).where(*conditions).order_by(model.id).limit(1)  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalar(query)


def send_next_message(session: Session, attach: Callable[[OutboxMessage], Attachment | None])\
        -> bool:
    """Send the oldest due message; returns False when none is waiting.

    The message is leased first (its next attempt moved MAIL_SEND_LEASE_SECONDS ahead, and
    committed): other schedulers leave it alone while it is out, and if the database goes away
    while it is being sent the message does not look unsent to anyone, so it is not sent twice.
    A scheduler that dies holding a lease leaves the message to be sent when the lease ends."""
    message = _claim_one(session, OutboxMessage, OutboxMessage.status == "pending",
                         OutboxMessage.not_before <= now())
    if message is None:
        session.rollback()
        return False
    assert isinstance(message, OutboxMessage)
    cfg = current_app.config
    message.attempts += 1
    message.not_before = now() + timedelta(seconds=int(cfg.get("MAIL_SEND_LEASE_SECONDS", 120)))
    session.commit()
    try:
        email = compose(message, cfg["MAIL_FROM"], attach(message))
        deliver(email, cfg["MAIL_URL"], Path(current_app.instance_path) / "outbox",
                f"{message.id:08d}-{message.kind}")
    except Exception as exc:
        # The mail server away (OSError, SMTP errors) or a message that cannot be made (an
        # address refused, its attachment failing): kept, retried with back-off, and marked
        # failed after MAX_ATTEMPTS, where the failed-messages alert sees it.
        if not isinstance(exc, OSError):
            log.exception("message %s could not be sent", message.id)
        _retry_later(message, exc)
        session.commit()
        return True
    _record_sent(session, message.id)
    return True


def _record_sent(session: Session, message_id: int, tries: int = 30) -> None:
    """Mark a delivered message sent, waiting out a database restart (up to about a minute,
    well inside the lease) rather than let the message be sent again."""
    for attempt in range(tries):
        try:
            session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                            .values(status="sent", sent_at=now()))
            session.commit()
            return
        except DBAPIError:
            session.rollback()
            if attempt == tries - 1:
                raise
            log.warning("could not record message %s as sent; trying again", message_id)
            time.sleep(min(2.0, 0.1 * 2 ** attempt))


def _retry_later(message: OutboxMessage, exc: Exception) -> None:
    """Keep the message and try again later, backing off; give up after MAX_ATTEMPTS."""
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
    message.not_before = now() + timedelta(seconds=min(3600, 15 * 2 ** message.attempts))


def send_due_messages(session: Session, attach: Callable[[OutboxMessage], Attachment | None],
                      limit: int = 200) -> int:
    sent = 0
    while sent < limit and send_next_message(session, attach):
        sent += 1
    return sent


def do_next_due_work(session: Session) -> bool:
    work = _claim_one(session, DueWork, DueWork.status == "pending", DueWork.due_at <= now())
    if work is None:
        session.rollback()
        return False
    assert isinstance(work, DueWork)
    HANDLERS[work.kind](session, work)
    work.status, work.done_at = "done", now()
    session.commit()
    return True


def do_due_work(session: Session, limit: int = 200) -> int:
    done = 0
    while done < limit and do_next_due_work(session):
        done += 1
    return done


def _kickoff_of(session: Session, work: DueWork) -> tuple[Deal, Kickoff] | None:
    deal = session.get(Deal, work.deal_id) if work.deal_id else None
    kickoff = session.scalar(select(Kickoff).where(Kickoff.deal_id == work.deal_id))
    return (deal, kickoff) if deal and kickoff else None


def _remind_kickoff(session: Session, work: DueWork) -> None:
    found = _kickoff_of(session, work)
    if not found:
        return
    deal, kickoff = found
    if kickoff.status != "scheduled" or kickoff.sequence != work.payload.get("sequence"):
        return  # the kickoff moved or took place: this reminder is out of date
    assert kickoff.start
    for invitee in kickoffs.kickoff_invitees(deal, kickoff):
        outbox.enqueue(session, key=f"reminder-mail:{kickoff.uid}:{kickoff.sequence}:"
                       f"{invitee.email}", kind="reminder", deal_id=deal.id,
                       recipient=invitee.email,
                       subject=f"Reminder: kickoff {deal.account.name} — {deal.title}",
                       body=f"The kickoff of deal {deal.id} starts at "
                            f"{kickoff.start.isoformat()} (UTC).")


def _escalate_kickoff(session: Session, work: DueWork) -> None:
    found = _kickoff_of(session, work)
    if not found:
        return
    deal, kickoff = found
    if not kickoffs.deadline_missed(kickoff, now()):
        return  # held in time, or the deadline moved later (its own escalation is planned)
    recipients = [*kickoffs.managers(session), deal.sales_owner]
    for user in {u.id: u for u in recipients}.values():
        outbox.enqueue(session, key=f"escalation-mail:{kickoff.uid}:{user.email}",
                       kind="escalation", deal_id=deal.id, recipient=user.email,
                       subject=f"Escalation: no kickoff held for {deal.account.name} — "
                               f"{deal.title}",
                       body=f"The kickoff deadline {kickoff.deadline.isoformat()} passed and "
                            f"the kickoff is {kickoff.status}. Orders shipping on or after "
                            f"{deal.first_shipment_date} are blocked until it is held.")
    audit.record(session, actor_id=None, action="kickoff.escalated", entity="deal",
                 entity_id=deal.id, data={"uid": kickoff.uid, "status": kickoff.status})


def _remind_promise(session: Session, work: DueWork) -> None:
    promise = session.get(Promise, work.payload.get("promise_id"))
    if promise is None:
        return
    owner = session.get(User, promise.owner_id)
    assert owner is not None
    outbox.enqueue(session, key=f"promise-mail:{promise.id}", kind="promise_reminder",
                   deal_id=promise.deal_id, recipient=owner.email,
                   subject=f"Promise due {promise.due.isoformat()}: {promise.text[:120]}",
                   body=f"You promised on deal {promise.deal_id}: {promise.text}\n"
                        f"It falls due on {promise.due.isoformat()}.")


def _invite_follow_up(session: Session, work: DueWork) -> None:
    """Invite the account manager (and the customer, optionally) to the follow-up call."""
    deal = session.get(Deal, work.deal_id) if work.deal_id else None
    if deal is None:
        return
    from kickoff.invite import Invitee, KickoffEvent, build_request

    start = datetime.fromisoformat(work.payload["call_at"])
    manager = deal.account_manager
    invitees = (Invitee(manager.email, manager.name, True),
                *(Invitee(c.email, c.name, False) for c in deal.contacts))
    event = KickoffEvent(
        uid=f"followup-{deal.id}@handoff", sequence=0, start=start,
        end=start + timedelta(minutes=30),
        summary=f"Follow-up call: {deal.account.name} — {deal.title}",
        description="The first order has shipped: call the customer to hear how it went and "
                    "whether the terms work as agreed.",
        organizer=Invitee(current_app.config["MAIL_FROM"], "Handoff", True),
        attendees=invitees, dtstamp=now())
    ics = build_request(event).decode("utf-8")
    for invitee in invitees:
        outbox.enqueue(session, key=f"followup-mail:{deal.id}:{invitee.email}",
                       kind="followup", deal_id=deal.id, recipient=invitee.email,
                       subject=event.summary, body=event.description, ics=ics, method="REQUEST")


HANDLERS: dict[str, Callable[[Session, DueWork], None]] = {
    "followup_call": _invite_follow_up,
    "kickoff_reminder": _remind_kickoff,
    "kickoff_escalation": _escalate_kickoff,
    "promise_reminder": _remind_promise,
}

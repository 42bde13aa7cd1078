"""Kickoff meetings: found, kept true as things change, and announced to everyone."""

from __future__ import annotations

import bisect
import functools
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, inspect, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app import audit, clock
from app.db.models import BusyBlock, Deal, Kickoff, Promise, TermsVersionRow, User
from app.db.session import unit_of_work
from app.errors import InvalidInput, NotFound
from app.policy import require
from app.services import outbox
from kickoff.availability import (
    DEFAULT_WORKING_HOURS,
    Attendee,
    WorkingHours,
    parse_working_hours,
)
from kickoff.calendar import BusinessCalendar, Window, kickoff_window
from kickoff.intervals import Interval, normalise
from kickoff.invite import Invitee, KickoffEvent, agenda, build_cancel, build_request
from kickoff.slots import earliest_slot, unavailable_attendees
from terms.kinds import describe_term

OPEN = ("scheduled", "unscheduled")


@dataclass(frozen=True)
class KickoffSettings:
    minutes: int
    after_close: int
    before_shipment: int
    calendar: BusinessCalendar
    reminder_hours: int
    mail_from: str


def settings() -> KickoffSettings:
    cfg = current_app.config
    return KickoffSettings(
        minutes=cfg["KICKOFF_MINUTES"], after_close=cfg["KICKOFF_MIN_BUSINESS_DAYS_AFTER_CLOSE"],
        before_shipment=cfg["KICKOFF_MIN_BUSINESS_DAYS_BEFORE_SHIPMENT"],
        calendar=BusinessCalendar(country=cfg["COMPANY_COUNTRY"],
                                  timezone=cfg["COMPANY_TIMEZONE"]),
        reminder_hours=cfg["KICKOFF_REMINDER_HOURS"], mail_from=cfg["MAIL_FROM"],
    )


def fits(attendees: Sequence[Attendee], slot: Interval) -> bool:
    return not unavailable_attendees(attendees, slot)


def now() -> datetime:
    return clock.now()


_PEOPLE = ("sales_owner", "account_manager", "fulfillment_lead")


def _load_people(deal: Deal) -> None:
    """The deal's people in one query, where each would otherwise be a lazy load of its own."""
    state = inspect(deal)
    missing = [name for name in _PEOPLE if name in state.unloaded]
    if len(missing) < 2 or state.session is None:
        return
    ids = {name: getattr(deal, f"{name}_id") for name in missing}
    found = {user.id: user for user in state.session.scalars(
        select(User).where(User.id.in_(set(ids.values()))))}
    for name, user_id in ids.items():
        if user_id in found:
            set_committed_value(deal, name, found[user_id])


def required_people(deal: Deal) -> list[User]:
    _load_people(deal)
    people: list[User] = []
    for user in (deal.sales_owner, deal.account_manager, deal.fulfillment_lead):
        if user not in people:
            people.append(user)
    return people


def window_for(deal: Deal, cfg: KickoffSettings, at: datetime | None = None) -> Window:
    return kickoff_window(deal.closed_at, deal.first_shipment_date, at or now(), cfg.calendar,
                          cfg.after_close, cfg.before_shipment)


def _other_kickoffs(session: Session, deal: Deal, user_ids: Sequence[int], window: Window)\
        -> list[tuple[datetime, datetime, set[int]]]:
    """The time of every other scheduled kickoff that meets the window, with its required
    people, as plain columns: one query per search, whatever the number of attendees."""
    rows = session.execute(
        select(Kickoff.start, Kickoff.end, Deal.sales_owner_id, Deal.account_manager_id,
               Deal.fulfillment_lead_id).join(Deal, Kickoff.deal_id == Deal.id).where(
            Kickoff.status == "scheduled", Kickoff.end > window.earliest,
            Kickoff.start < window.deadline, Kickoff.deal_id != deal.id,
            or_(Deal.sales_owner_id.in_(user_ids), Deal.account_manager_id.in_(user_ids),
                Deal.fulfillment_lead_id.in_(user_ids))))
    return [(start, end, {sales, manager, lead}) for start, end, sales, manager, lead in rows]


@functools.lru_cache(maxsize=1024)
def _compiled_hours(canonical: str) -> WorkingHours:
    # Keyed by the hours' content, so a person whose hours change gets a fresh entry and one
    # whose hours stay the same is not parsed again at every search.
    return parse_working_hours(json.loads(canonical))


def working_hours_of(user: User) -> WorkingHours:
    if not user.working_hours:
        return DEFAULT_WORKING_HOURS
    return _compiled_hours(json.dumps(user.working_hours, sort_keys=True))


def attendees_for(session: Session, deal: Deal, window: Window) -> list[Attendee]:
    """Everyone required, with their hours, holidays, busy time and other kickoffs."""
    users = required_people(deal)
    busy: dict[int, list[Interval]] = {u.id: [] for u in users}
    # Plain columns, not entities: a search reads hundreds of blocks and keeps none of them.
    for user_id, start, end in session.execute(
            select(BusyBlock.user_id, BusyBlock.start, BusyBlock.end).where(
                BusyBlock.user_id.in_(busy), BusyBlock.start < window.deadline,
                BusyBlock.end > window.earliest)):
        busy[user_id].append(Interval(start, end))
    for start, end, people in _other_kickoffs(session, deal, list(busy), window):
        for user_id in people & busy.keys():
            busy[user_id].append(Interval(start, end))
    return [
        Attendee(key=f"user:{u.id}", timezone=u.timezone, country=u.country,
                 working_hours=working_hours_of(u), busy=tuple(busy[u.id]))
        for u in users
    ]


#: How far into its window a slot search looks first. Most kickoffs find their slot in the first
#: few days; looking there first reads those days' calendars only, and the whole window is read
#: only when they hold no slot.
FIRST_LOOK = timedelta(days=4)


def find_slot(session: Session, deal: Deal, window: Window, cfg: KickoffSettings,
              not_before: datetime | None = None) -> Interval | None:
    """The earliest slot in the window. Looking at the first days alone first gives the same
    answer: a slot found there fits what those days hold, and any earlier slot would lie there
    too."""
    if not_before is not None and not_before > window.earliest:
        window = Window(earliest=not_before, deadline=window.deadline)
    first = Window(earliest=window.earliest, deadline=window.earliest + FIRST_LOOK)
    if first.deadline < window.deadline:
        slot = earliest_slot(attendees_for(session, deal, first), first, cfg.minutes)
        if slot is not None:
            return slot
    return earliest_slot(attendees_for(session, deal, window), window, cfg.minutes)


def _place(kickoff: Kickoff, window: Window, slot: Interval | None) -> None:
    kickoff.earliest, kickoff.deadline = window.earliest, window.deadline
    kickoff.status = "scheduled" if slot else "unscheduled"
    kickoff.start, kickoff.end = (slot.start, slot.end) if slot else (None, None)
    kickoff.updated_at = now()


def schedule_new_kickoff(session: Session, deal: Deal, actor: User) -> Kickoff:
    """Find the earliest slot for a newly closed deal, or mark the kickoff at risk."""
    cfg = settings()
    window = window_for(deal, cfg)
    kickoff = Kickoff(deal_id=deal.id, uid=f"kickoff-{deal.id}-{secrets.token_hex(6)}@handoff",
                      sequence=0, earliest=window.earliest, deadline=window.deadline)
    _place(kickoff, window, find_slot(session, deal, window, cfg))
    if kickoff.status == "scheduled":
        _mark_invited(deal, kickoff)  # before the insert, which then needs no update
    session.add(kickoff)
    session.flush()
    _record(session, actor, kickoff, "kickoff.scheduled" if kickoff.start else "kickoff.at_risk")
    _announce(session, deal, kickoff, cfg)
    return kickoff


def _record(session: Session, actor: User | None, kickoff: Kickoff, action: str,
            **extra: Any) -> None:
    audit.record(session, actor_id=actor.id if actor else None, action=action, entity="deal",
                 entity_id=kickoff.deal_id, data={
                     "uid": kickoff.uid, "sequence": kickoff.sequence, "status": kickoff.status,
                     "start": kickoff.start, "end": kickoff.end, "deadline": kickoff.deadline,
                     **extra})


def get_kickoff(session: Session, deal: Deal) -> Kickoff:
    kickoff = session.scalar(select(Kickoff).where(Kickoff.deal_id == deal.id))
    if kickoff is None:
        raise NotFound(f"Deal {deal.id} has no kickoff.")
    return kickoff


def _slot_still_fits(session: Session, deal: Deal, kickoff: Kickoff, window: Window,
                     cfg: KickoffSettings) -> bool:
    if kickoff.status != "scheduled" or kickoff.start is None or kickoff.end is None:
        return False
    if kickoff.start < window.earliest and kickoff.start < now():
        return False
    if kickoff.end > window.deadline:
        return False
    return fits(attendees_for(session, deal, window), Interval(kickoff.start, kickoff.end))


def _move(session: Session, deal: Deal, kickoff: Kickoff, actor: User | None,
          cfg: KickoffSettings, reason: str, slot: Interval | None = None,
          window: Window | None = None) -> None:
    """Put the kickoff in a new slot (or none) and tell everyone with a higher SEQUENCE."""
    window = window or window_for(deal, cfg)
    slot = slot if slot is not None else find_slot(session, deal, window, cfg)
    kickoff.sequence += 1
    if slot is None and kickoff.status == "scheduled":
        # Cancel the meeting people have in their calendars before its time is forgotten.
        _send_cancel(session, deal, kickoff, cfg, kickoff_invitees(deal, kickoff))
    _place(kickoff, window, slot)
    _record(session, actor, kickoff,
            "kickoff.rescheduled" if slot else "kickoff.at_risk", reason=reason)
    _announce(session, deal, kickoff, cfg)


def reschedule_after_deal_change(session: Session, deal: Deal, actor: User,
                                 changed: set[str]) -> None:
    """A new shipment date or new people may break the slot; move it if so."""
    if not changed & {"first_shipment_date", "sales_owner_id", "account_manager_id",
                      "fulfillment_lead_id", "contact_ids"}:
        return
    kickoff = get_kickoff(session, deal)
    if kickoff.status not in OPEN:
        return
    session.flush()
    session.refresh(deal)
    cfg = settings()
    window = window_for(deal, cfg)
    removed = [i for i in kickoff_invitees(deal, kickoff, previous=True)
               if i not in kickoff_invitees(deal, kickoff)]
    if removed and kickoff.status == "scheduled":
        _send_cancel(session, deal, kickoff, cfg, removed)
    if _slot_still_fits(session, deal, kickoff, window, cfg):
        kickoff.earliest, kickoff.deadline = window.earliest, window.deadline
        if changed - {"first_shipment_date"}:
            kickoff.sequence += 1
            _record(session, actor, kickoff, "kickoff.attendees_changed")
            _announce(session, deal, kickoff, cfg)
        return
    _move(session, deal, kickoff, actor, cfg, reason="deal changed: " + ", ".join(sorted(changed)),
          window=window)


def reschedule_if_broken_for(session: Session, user: User,
                             added_busy: Sequence[Interval] | None = None) -> None:
    """New busy time or working hours: move this person's upcoming kickoffs that no longer fit,
    and schedule those at risk that now find a slot. One still without a slot is left as it is:
    its people were told already, and telling them again would say nothing new.

    With ``added_busy`` (the only change is that busy time), only the kickoffs it overlaps are
    looked at: more busy time breaks no other kickoff and opens no slot for one at risk."""
    cfg = settings()
    at = now()
    # Only kickoffs that can still move: scheduled ones yet to begin, and unscheduled ones
    # whose deadline is ahead; each deal with its kickoff in the one query.
    upcoming = and_(Kickoff.status == "scheduled", Kickoff.start >= at)
    if added_busy is not None:
        if not added_busy:
            return
        merged = normalise(added_busy)
        movable = and_(upcoming, Kickoff.start < max(b.end for b in added_busy),
                       Kickoff.end > min(b.start for b in added_busy))
    else:
        movable = or_(upcoming, and_(Kickoff.status == "unscheduled", Kickoff.deadline > at))
    rows = session.execute(select(Deal, Kickoff).join(Kickoff, Kickoff.deal_id == Deal.id).where(
        movable, or_(Deal.sales_owner_id == user.id, Deal.account_manager_id == user.id,
                     Deal.fulfillment_lead_id == user.id)).order_by(Deal.id)).all()
    reason = f"availability of {user.name} changed"
    for deal, kickoff in rows:
        window = window_for(deal, cfg, at)
        if kickoff.status == "scheduled":
            assert kickoff.start and kickoff.end
            if added_busy is not None and not _overlaps_any(
                    Interval(kickoff.start, kickoff.end), merged):
                continue
            if not _slot_still_fits(session, deal, kickoff, window, cfg):
                _move(session, deal, kickoff, None, cfg, reason=reason, window=window)
            continue
        slot = find_slot(session, deal, window, cfg)
        if slot is not None:
            _move(session, deal, kickoff, None, cfg, reason=reason, slot=slot, window=window)


def _overlaps_any(slot: Interval, merged: Sequence[Interval]) -> bool:
    """Whether the slot meets any of ``merged`` (sorted, disjoint): only the last one starting
    before the slot ends can."""
    before_end = bisect.bisect_left(merged, slot.end, key=_start_of)
    return before_end > 0 and merged[before_end - 1].end > slot.start


def _start_of(interval: Interval) -> datetime:
    return interval.start


def refresh_invitation(session: Session, deal: Deal, actor: User) -> None:
    """The terms changed: attendees get an updated agenda (and brief) for the same meeting."""
    kickoff = get_kickoff(session, deal)
    if kickoff.status != "scheduled":
        return
    kickoff.sequence += 1
    _record(session, actor, kickoff, "kickoff.agenda_updated")
    _announce(session, deal, kickoff, settings())


def reschedule(session: Session, actor: User, deal_id: int, start: datetime | None) -> Kickoff:
    """Move the kickoff to a given start, checked, or to the next free slot."""
    from app.services.deals import get_deal

    deal = get_deal(session, deal_id)
    require(actor, "kickoff.reschedule", deal=deal)
    kickoff = get_kickoff(session, deal)
    if kickoff.status not in OPEN:
        raise InvalidInput.field("status", f"The kickoff is {kickoff.status}; it cannot move.")
    cfg = settings()
    window = window_for(deal, cfg)
    slot = _checked_start(session, deal, window, cfg, start) if start else None
    if slot is None:
        after = kickoff.end if kickoff.status == "scheduled" else None
        slot = find_slot(session, deal, window, cfg, not_before=after)
    with unit_of_work(session):
        if slot is None:
            _move(session, deal, kickoff, actor, cfg, reason="no later free slot", slot=None,
                  window=window)
        else:
            _move(session, deal, kickoff, actor, cfg, reason="moved on request", slot=slot,
                  window=window)
    return kickoff


def _checked_start(session: Session, deal: Deal, window: Window, cfg: KickoffSettings,
                   start: datetime) -> Interval:
    slot = Interval(start, start + timedelta(minutes=cfg.minutes))
    problems = []
    if start.minute % 15 or start.second or start.microsecond:
        problems.append("A kickoff starts on a quarter hour.")
    if start < window.earliest or slot.end > window.deadline:
        problems.append(f"It must lie between {window.earliest.isoformat()} and "
                        f"{window.deadline.isoformat()}.")
    if not problems and not fits(attendees_for(session, deal, window), slot):
        problems.append("Not every required attendee is free and in working hours then.")
    if problems:
        raise InvalidInput("That start does not work; nothing was changed.", {"start": problems})
    return slot


def mark_held(session: Session, actor: User, deal_id: int, data: dict[str, Any]) -> Kickoff:
    """Record that the kickoff took place, who came and what was said."""
    from app.services.deals import get_deal

    deal = get_deal(session, deal_id)
    require(actor, "kickoff.held", deal=deal)
    kickoff = get_kickoff(session, deal)
    if kickoff.status == "held":
        raise InvalidInput.field("status", f"The kickoff was already recorded as held at "
                                 f"{kickoff.held_at.isoformat() if kickoff.held_at else ''}.")
    held_at = data.get("held_at") or now()
    if held_at > now() + timedelta(minutes=5):
        raise InvalidInput.field("held_at", "A kickoff cannot be recorded as held in the future.")
    attendee_ids = list(data.get("attendee_ids") or [u.id for u in required_people(deal)])
    unknown = [i for i in attendee_ids if session.get(User, i) is None]
    if unknown:
        raise InvalidInput.field("attendee_ids", f"There are no users {unknown}.")
    with unit_of_work(session):
        kickoff.status, kickoff.held_at = "held", held_at
        kickoff.held_attendee_ids, kickoff.minutes = attendee_ids, data.get("minutes") or ""
        kickoff.updated_at = now()
        if deal.status == "closed":
            deal.status = "kicked_off"
        from app.services.deals import touch

        touch(deal)
        _record(session, actor, kickoff, "kickoff.held", held_at=held_at,
                attendee_ids=attendee_ids, minutes=kickoff.minutes)
        outbox.cancel_due_work(session, kickoff_due_keys(kickoff))
    return kickoff


# --- invitations ------------------------------------------------------------------------------


def kickoff_invitees(deal: Deal, kickoff: Kickoff, previous: bool = False) -> list[Invitee]:
    """Required people and the deal's customer contacts (optional), now or as last invited."""
    if previous:
        return [Invitee(email=e, name=n, required=r) for e, n, r in _previous(deal, kickoff)]
    people = [Invitee(email=u.email, name=u.name, required=True) for u in required_people(deal)]
    return people + [Invitee(email=c.email, name=c.name, required=False) for c in deal.contacts]


def _previous(deal: Deal, kickoff: Kickoff) -> Iterable[tuple[str, str, bool]]:
    session = Session.object_session(kickoff)
    assert session is not None
    for user_id in kickoff.invited_user_ids:
        user = session.get(User, user_id)
        if user:
            yield user.email, user.name, True
    from app.db.models import Contact

    for contact_id in kickoff.invited_contact_ids:
        contact = session.get(Contact, contact_id)
        if contact:
            yield contact.email, contact.name, False


def agenda_for(session: Session, deal: Deal, version: TermsVersionRow | None = None)\
        -> list[str]:
    """The agenda from a version's terms (default the newest) and the open promises."""
    from app.services.record import latest_version, version_terms

    terms = version_terms(version or latest_version(deal))
    described = [describe_term(t, deal.currency) for t in terms
                 if t.kind not in ("option", "clause")]
    declined = [describe_term(t, deal.currency) for t in terms
                if t.kind == "option" and t.params["decision"] == "decline"]
    clauses = [str(t.params["text"]) for t in terms if t.kind == "clause"]
    promises = [f"{p.text} (due {p.due.isoformat()})" for p in session.scalars(
        select(Promise).where(Promise.deal_id == deal.id, Promise.due >= now().date())
        .order_by(Promise.due))]
    return agenda(described, declined, clauses, promises)


def kickoff_event(session: Session, deal: Deal, kickoff: Kickoff, cfg: KickoffSettings)\
        -> KickoffEvent:
    assert kickoff.start and kickoff.end
    items = agenda_for(session, deal)
    return KickoffEvent(
        uid=kickoff.uid, sequence=kickoff.sequence, start=kickoff.start, end=kickoff.end,
        summary=f"Kickoff: {deal.account.name} — {deal.title}",
        description="Agenda:\n" + "\n".join(f"- {line}" for line in items),
        organizer=Invitee(email=cfg.mail_from, name="Handoff", required=True),
        attendees=tuple(kickoff_invitees(deal, kickoff)), dtstamp=kickoff.updated_at,
    )


def _announce(session: Session, deal: Deal, kickoff: Kickoff, cfg: KickoffSettings) -> None:
    """Queue the invitation (or the at-risk notice) and plan reminders and the escalation."""
    from app.services.record import version_row_in_force

    plans: list[outbox.Plan] = []
    if kickoff.status == "scheduled":
        event = kickoff_event(session, deal, kickoff, cfg)
        ics = build_request(event).decode("utf-8")
        body = _invitation_text(deal, kickoff, event)
        brief_version = version_row_in_force(deal, kickoff.start.date()).number
        outbox.enqueue_all(session, [outbox.Message(
            key=f"invite:{kickoff.uid}:{kickoff.sequence}:{invitee.email}", kind="invitation",
            deal_id=deal.id, recipient=invitee.email,
            subject=("Updated: " if kickoff.sequence else "") + event.summary, body=body,
            ics=ics, method="REQUEST", brief_version=brief_version)
            for invitee in event.attendees])
        _mark_invited(deal, kickoff)
        plans.append(outbox.Plan(key=f"reminder:{kickoff.uid}:{kickoff.sequence}",
                                 kind="kickoff_reminder", deal_id=deal.id,
                                 due_at=kickoff.start - timedelta(hours=cfg.reminder_hours),
                                 payload={"sequence": kickoff.sequence}))
    else:
        body = (f"No common free slot was found for the kickoff of deal {deal.id} "
                f"({deal.title}) before {kickoff.deadline.isoformat()}, which is "
                f"{cfg.before_shipment} business days before the first shipment on "
                f"{deal.first_shipment_date.isoformat()}. Move the first shipment, "
                "free someone's time, or set the kickoff by hand.")
        outbox.enqueue_all(session, [outbox.Message(
            key=f"at-risk:{kickoff.uid}:{kickoff.sequence}:{manager.email}", kind="notice",
            deal_id=deal.id, recipient=manager.email,
            subject=f"Kickoff at risk: {deal.account.name} — {deal.title}", body=body)
            for manager in managers(session)])
    plans.append(outbox.Plan(key=f"escalation:{kickoff.uid}", kind="kickoff_escalation",
                             deal_id=deal.id, due_at=kickoff.deadline, payload={}, replace=True))
    outbox.plan_all(session, plans)


def _mark_invited(deal: Deal, kickoff: Kickoff) -> None:
    """Remember who holds the invitation, so that people who drop out can be sent a CANCEL."""
    users, contacts = [u.id for u in required_people(deal)], [c.id for c in deal.contacts]
    if kickoff.invited_user_ids != users:
        kickoff.invited_user_ids = users
    if kickoff.invited_contact_ids != contacts:
        kickoff.invited_contact_ids = contacts


def _send_cancel(session: Session, deal: Deal, kickoff: Kickoff, cfg: KickoffSettings,
                 invitees: Sequence[Invitee]) -> None:
    if kickoff.start is None:
        return
    event = kickoff_event(session, deal, kickoff, cfg)
    ics = build_cancel(KickoffEvent(**{**event.__dict__, "attendees": tuple(invitees)}))
    outbox.enqueue_all(session, [outbox.Message(
        key=f"cancel:{kickoff.uid}:{kickoff.sequence}:{invitee.email}", kind="cancellation",
        deal_id=deal.id, recipient=invitee.email, subject=f"Cancelled: {event.summary}",
        body="This kickoff invitation is cancelled.", ics=ics.decode("utf-8"), method="CANCEL")
        for invitee in invitees])


def _invitation_text(deal: Deal, kickoff: Kickoff, event: KickoffEvent) -> str:
    assert kickoff.start
    return (f"Kickoff for {deal.account.name} — {deal.title} (deal {deal.id}).\n"
            f"When: {kickoff.start.isoformat()} (UTC), {event.end - event.start} long.\n"
            f"First shipment: {deal.first_shipment_date.isoformat()}.\n\n{event.description}\n\n"
            "The terms brief is attached.\n")


def managers(session: Session) -> list[User]:
    return [u for u in session.scalars(select(User).where(User.active.is_(True))
                                       .order_by(User.id)) if u.has_role("manager")]


def kickoff_due_keys(kickoff: Kickoff) -> list[str]:
    return [f"reminder:{kickoff.uid}:{kickoff.sequence}", f"escalation:{kickoff.uid}"]


def deadline_missed(kickoff: Kickoff, at: datetime | None = None) -> bool:
    """The deadline passed without the kickoff being held: managers are escalated to, and
    every order of the deal waits for it."""
    return kickoff.status != "held" and kickoff.deadline <= (at or now())


def kickoff_at_risk(kickoff: Kickoff, at: datetime | None = None) -> bool:
    """Unscheduled, or its deadline missed."""
    return kickoff.status == "unscheduled" or deadline_missed(kickoff, at)


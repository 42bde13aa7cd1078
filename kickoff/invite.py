"""Kickoff invitations (iMIP, RFC 6047 / iTIP, RFC 5546), calendar feeds and the agenda.

Everything is built with the ``icalendar`` library, so escaping, line folding, CRLF line ends
and RFC 6868 parameter quoting come out the way calendar clients expect. No clock is read here:
the caller passes DTSTAMP, and raises SEQUENCE on every change it sends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vDuration

from kickoff.intervals import as_utc

PRODID = "-//Handoff//Kickoff//EN"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_EMAIL = re.compile(r"[^@\s<>\"(),;:\\\[\]]+@[^@\s<>\"(),;:\\\[\]]+")


def _one_line(text: str) -> str:
    """Text for a parameter or a one-line property: no control characters, single spaces."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def _multi_line(text: str) -> str:
    """Text for DESCRIPTION: newlines kept (icalendar escapes them), other controls removed."""
    return _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _check_email(email: str) -> str:
    cleaned = email.strip()
    if not _EMAIL.fullmatch(cleaned):
        raise ValueError(f"not a usable e-mail address for an invitation: {email!r}")
    return cleaned


def _check_uid(uid: str) -> str:
    if not uid or _one_line(uid) != uid:
        raise ValueError(f"a UID must be non-empty text on one line, got {uid!r}")
    return uid


@dataclass(frozen=True)
class Invitee:
    """Someone invited: required people are REQ-PARTICIPANTs, the others OPT-PARTICIPANTs."""

    email: str
    name: str
    required: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "email", _check_email(self.email))
        object.__setattr__(self, "name", _one_line(self.name))


@dataclass(frozen=True)
class KickoffEvent:
    """One state of a kickoff meeting as its attendees' calendars should see it."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str
    organizer: Invitee
    attendees: tuple[Invitee, ...]
    location: str = ""
    dtstamp: datetime = field(kw_only=True)

    def __post_init__(self) -> None:
        _check_uid(self.uid)
        if self.sequence < 0:
            raise ValueError(f"SEQUENCE must not be negative, got {self.sequence}")
        start = as_utc(self.start, "start")
        end = as_utc(self.end, "end")
        if not start < end:
            raise ValueError("a kickoff must end after it starts")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "dtstamp", as_utc(self.dtstamp, "dtstamp"))
        object.__setattr__(self, "attendees", tuple(self.attendees))


def kickoff_uid(kickoff_id: int | str, domain: str) -> str:
    """A UID that stays the same for one kickoff through every reschedule and the cancel."""
    return _check_uid(f"kickoff-{kickoff_id}@{domain}")


def _address(person: Invitee) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    return address


def _unique(attendees: Sequence[Invitee]) -> list[Invitee]:
    """One entry per address (case-insensitive), required if any entry for it is."""
    by_email: dict[str, Invitee] = {}
    for person in attendees:
        key = person.email.lower()
        known = by_email.get(key)
        if known is None:
            by_email[key] = person
        elif person.required and not known.required:
            by_email[key] = Invitee(known.email, known.name or person.name, True)
    return list(by_email.values())


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    if method is not None:
        calendar.add("METHOD", method)
    return calendar


def _scheduling_message(event: KickoffEvent, method: str, status: str) -> bytes:
    vevent = Event()
    vevent.add("UID", event.uid)
    vevent.add("SEQUENCE", event.sequence)
    vevent.add("DTSTAMP", event.dtstamp)
    vevent.add("DTSTART", event.start)
    vevent.add("DTEND", event.end)
    vevent.add("SUMMARY", _one_line(event.summary))
    description = _multi_line(event.description)
    if description:
        vevent.add("DESCRIPTION", description)
    location = _one_line(event.location)
    if location:
        vevent.add("LOCATION", location)
    vevent.add("ORGANIZER", _address(event.organizer))
    for person in _unique(event.attendees):
        address = _address(person)
        address.params["CUTYPE"] = "INDIVIDUAL"
        address.params["ROLE"] = "REQ-PARTICIPANT" if person.required else "OPT-PARTICIPANT"
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "TRUE"
        vevent.add("ATTENDEE", address)
    vevent.add("STATUS", status)
    vevent.add("TRANSP", "OPAQUE")
    calendar = _calendar(method)
    calendar.add_component(vevent)
    return bytes(calendar.to_ical())


def build_request(event: KickoffEvent) -> bytes:
    """An iTIP REQUEST (new or updated invitation) as a ``text/calendar; method=REQUEST`` body."""
    return _scheduling_message(event, "REQUEST", "CONFIRMED")


def build_cancel(event: KickoffEvent) -> bytes:
    """An iTIP CANCEL for the kickoff; pass a SEQUENCE higher than the last request's."""
    return _scheduling_message(event, "CANCEL", "CANCELLED")


# --- subscribable feeds ----------------------------------------------------------------------


@dataclass(frozen=True)
class FeedItem:
    """A feed entry: a timed event, or with ``all_day`` a whole-day one (``start`` unused)."""

    uid: str
    start: datetime
    end: datetime | None
    summary: str
    description: str
    all_day: date | None = None

    def __post_init__(self) -> None:
        _check_uid(self.uid)
        if self.all_day is None:
            start = as_utc(self.start, "start")
            object.__setattr__(self, "start", start)
            if self.end is not None:
                end = as_utc(self.end, "end")
                if not start < end:
                    raise ValueError("a feed item must end after it starts")
                object.__setattr__(self, "end", end)


def build_feed(name: str, items: Sequence[FeedItem], dtstamp: datetime) -> bytes:
    """A calendar to subscribe to (no METHOD): kickoffs as timed events, due dates as all-day."""
    stamp = as_utc(dtstamp, "dtstamp")
    calendar = _calendar(None)
    title = _one_line(name)
    calendar.add("X-WR-CALNAME", title)
    calendar.add("NAME", title)
    calendar.add("X-PUBLISHED-TTL", vDuration(timedelta(hours=1)))
    calendar.add("REFRESH-INTERVAL", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for item in items:
        vevent = Event()
        vevent.add("UID", item.uid)
        vevent.add("DTSTAMP", stamp)
        if item.all_day is not None:
            vevent.add("DTSTART", item.all_day)
            vevent.add("DTEND", item.all_day + timedelta(days=1))
            # A due date is a reminder, not an appointment: it must not block anyone's day.
            vevent.add("TRANSP", "TRANSPARENT")
        else:
            vevent.add("DTSTART", item.start)
            if item.end is not None:
                vevent.add("DTEND", item.end)
        vevent.add("SUMMARY", _one_line(item.summary))
        description = _multi_line(item.description)
        if description:
            vevent.add("DESCRIPTION", description)
        calendar.add_component(vevent)
    return bytes(calendar.to_ical())


# --- the agenda ------------------------------------------------------------------------------

AGENDA_INTRO = (
    "Introductions and handoff: sales walks account management and fulfillment through the deal"
)
AGENDA_CLOSING = "Confirm first shipment and order process"


def agenda(
    non_standard_terms: Sequence[str],
    declined_options: Sequence[str],
    clauses: Sequence[str],
    open_promises: Sequence[str],
) -> list[str]:
    """The kickoff agenda, one line per item: what was negotiated, declined and promised."""
    lines = [AGENDA_INTRO]
    sections = (
        ("Review non-standard terms: ", non_standard_terms),
        ("Declined option: ", declined_options),
        ("Clause for manual review: ", clauses),
        ("Open promise: ", open_promises),
    )
    for prefix, entries in sections:
        seen: set[str] = set()
        for entry in entries:
            text = _one_line(entry)
            if text and text not in seen:
                seen.add(text)
                lines.append(prefix + text)
    lines.append(AGENDA_CLOSING)
    return lines


def agenda_text(lines: Sequence[str], heading: str = "Agenda") -> str:
    """The agenda as numbered plain text, for an invitation's DESCRIPTION."""
    numbered = [f"{number}. {line}" for number, line in enumerate(lines, start=1)]
    return "\n".join([f"{heading}:", *numbered])

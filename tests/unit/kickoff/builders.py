"""Small builders for kickoff unit tests: plain values, sensible defaults, nothing mocked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from kickoff.availability import WEEKDAYS, Attendee, WorkingHours, parse_working_hours
from kickoff.calendar import BusinessCalendar, Window
from kickoff.intervals import Interval
from kickoff.invite import Invitee, KickoffEvent


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def span(start: datetime, end: datetime) -> Interval:
    return Interval(start, end)


def hours(
    start: str = "09:00", end: str = "17:00", days: Sequence[str] = WEEKDAYS[:5]
) -> WorkingHours:
    """The same working range on each of ``days``."""
    return parse_working_hours({day: [[start, end]] for day in days})


def person(
    tz: str = "UTC",
    *,
    key: str = "user:1",
    country: str | None = None,
    working_hours: WorkingHours | None = None,
    busy: Sequence[Interval] = (),
) -> Attendee:
    return Attendee(
        key=key,
        timezone=tz,
        country=country,
        working_hours=working_hours if working_hours is not None else hours(),
        busy=tuple(busy),
    )


def window(earliest: datetime, deadline: datetime) -> Window:
    return Window(earliest=earliest, deadline=deadline)


def company(country: str = "US", tz: str = "America/New_York") -> BusinessCalendar:
    return BusinessCalendar(country=country, timezone=tz)


def invitee(
    email: str = "am@example.com", name: str = "Alex Manager", required: bool = True
) -> Invitee:
    return Invitee(email=email, name=name, required=required)


KICKOFF_START = utc(2026, 3, 10, 14)
KICKOFF_END = utc(2026, 3, 10, 14, 45)
SENT_AT = utc(2026, 3, 2, 8)


def kickoff_event(
    *,
    uid: str = "kickoff-42@handoff.example",
    sequence: int = 0,
    start: datetime = KICKOFF_START,
    end: datetime = KICKOFF_END,
    attendees: Sequence[Invitee] = (),
    dtstamp: datetime = SENT_AT,
) -> KickoffEvent:
    return KickoffEvent(
        uid=uid,
        sequence=sequence,
        start=start,
        end=end,
        summary="Kickoff: ACME Corp, deal #42",
        description="Agenda:\n1. Review non-standard terms",
        organizer=invitee("sales@example.com", "Sam Sales"),
        attendees=tuple(attendees)
        or (
            invitee("sales@example.com", "Sam Sales"),
            invitee("am@example.com", "Alex Manager"),
            invitee("ops@example.com", "Fran Fulfillment"),
            invitee("buyer@customer.example", "Casey Customer", required=False),
        ),
        dtstamp=dtstamp,
    )

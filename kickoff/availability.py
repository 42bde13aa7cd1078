"""When a person can meet: working hours in their own time zone, holidays and busy time, in UTC."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from operator import attrgetter
from types import MappingProxyType
from typing import Any

from icalendar import Calendar, Component

from kickoff.calendar import (
    day_span,
    known_country,
    local_to_utc,
    public_holidays,
    wall_to_utc,
    zone,
)
from kickoff.errors import AvailabilityInvalid
from kickoff.intervals import (
    UTC,
    Interval,
    as_utc,
    intersect_normalised,
    normalise,
    subtract_sorted,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: Local wall-clock ranges per weekday. A range whose end is not after its start runs past
#: midnight into the next day (``(22:00, 06:00)`` is a night shift, ``(09:00, 00:00)`` ends at
#: 24:00 and ``(00:00, 00:00)`` is the whole day); it belongs to the weekday it starts on.
WorkingHours = Mapping[str, Sequence[tuple[time, time]]]

_NINE_TO_FIVE = ((time(9), time(17)),)
DEFAULT_WORKING_HOURS: WorkingHours = MappingProxyType(
    {day: (_NINE_TO_FIVE if day in WEEKDAYS[:5] else ()) for day in WEEKDAYS}
)

_ONE_DAY = timedelta(days=1)
_MINUTES_PER_DAY = 24 * 60
_MINUTES_PER_WEEK = 7 * _MINUTES_PER_DAY
_MAX_RANGES_PER_DAY = 24
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


# --- working hours ---------------------------------------------------------------------------


def _parse_clock(text: object, *, is_end: bool) -> tuple[time, int] | str:
    """A clock reading as (time, minutes after midnight), or the reason it is not one."""
    if not isinstance(text, str):
        return "times are strings like '09:00'"
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        return f"{text!r} is not a time of day as HH:MM"
    hours, minutes = int(match.group(1)), int(match.group(2))
    if is_end and (hours, minutes) == (24, 0):
        return time(0), _MINUTES_PER_DAY
    if hours > 23 or minutes > 59:
        return f"{text!r} is not a time of day as HH:MM" + (" (or 24:00)" if is_end else "")
    return time(hours, minutes), hours * 60 + minutes


def _range_minutes(start: int, end: int) -> int:
    """Length in minutes of a range given as minutes after midnight; ``end <= start`` wraps."""
    return end - start if end > start else end + _MINUTES_PER_DAY - start


def parse_working_hours(raw: Mapping[str, Any]) -> WorkingHours:
    """Read ``{"mon": [["09:00", "17:00"]], ...}``; every problem is reported under its path.

    Days left out are not working days. An end of ``"24:00"`` (or ``"00:00"``) closes the day at
    midnight, and an end before the start runs into the next morning (a night shift). A range
    may not be empty, and no two ranges may overlap anywhere in the week.
    """
    if not isinstance(raw, Mapping):
        raise AvailabilityInvalid({"working_hours": ["must be an object keyed by weekday"]})
    errors: dict[str, list[str]] = {}
    parsed: dict[str, list[tuple[time, time]]] = {day: [] for day in WEEKDAYS}
    # (start minute of the week, length, error path) of every valid range, to find overlaps.
    spans: list[tuple[int, int, str]] = []
    seen_days: set[str] = set()

    for key, ranges in raw.items():
        day = key.strip().lower() if isinstance(key, str) else ""
        path = f"working_hours.{key}"
        if day not in WEEKDAYS:
            errors.setdefault(path, []).append(f"unknown day; use one of {', '.join(WEEKDAYS)}")
            continue
        if day in seen_days:
            errors.setdefault(path, []).append("this day is given twice")
            continue
        seen_days.add(day)
        path = f"working_hours.{day}"
        if ranges is None:
            continue
        if isinstance(ranges, str | bytes) or not isinstance(ranges, Sequence):
            errors.setdefault(path, []).append('must be a list of ["HH:MM", "HH:MM"] ranges')
            continue
        if len(ranges) > _MAX_RANGES_PER_DAY:
            errors.setdefault(path, []).append(f"at most {_MAX_RANGES_PER_DAY} ranges a day")
            continue
        for index, item in enumerate(ranges):
            item_path = f"{path}.{index}"
            if isinstance(item, str | bytes) or not isinstance(item, Sequence) or len(item) != 2:
                errors.setdefault(item_path, []).append('must be a ["HH:MM", "HH:MM"] pair')
                continue
            start = _parse_clock(item[0], is_end=False)
            end = _parse_clock(item[1], is_end=True)
            problems = [p for p in (start, end) if isinstance(p, str)]
            if problems:
                errors.setdefault(item_path, []).extend(problems)
                continue
            assert not isinstance(start, str) and not isinstance(end, str)
            start_time, start_min = start
            end_time, end_min = end
            if end_min == start_min:
                errors.setdefault(item_path, []).append(
                    "start and end are the same; use 00:00-24:00 for a whole day"
                )
                continue
            parsed[day].append((start_time, end_time))
            week_start = WEEKDAYS.index(day) * _MINUTES_PER_DAY + start_min
            spans.append((week_start, _range_minutes(start_min, end_min), item_path))

    for path in _overlapping(spans):
        errors.setdefault(path, []).append("overlaps another working-hours range")
    if errors:
        raise AvailabilityInvalid(errors)
    return MappingProxyType(
        {day: tuple(sorted(ranges, key=lambda r: r[0])) for day, ranges in parsed.items()}
    )


def _overlapping(spans: Sequence[tuple[int, int, str]]) -> list[str]:
    """Paths of the ranges that overlap an earlier-listed one, on the week seen as a circle."""
    found: list[str] = []
    for i, (start_i, length_i, _) in enumerate(spans):
        for start_j, length_j, path_j in spans[i + 1 :]:
            # Shift so range i starts at 0; range j overlaps if it starts inside i, or if i
            # starts inside j, both measured around the circle.
            offset = (start_j - start_i) % _MINUTES_PER_WEEK
            inside = (
                offset < length_i or (_MINUTES_PER_WEEK - offset) % _MINUTES_PER_WEEK < length_j
            )
            if inside and path_j not in found:
                found.append(path_j)
    return found


def _format_clock(value: time, *, is_end: bool) -> str:
    if is_end and value == time(0):
        return "24:00"
    return f"{value.hour:02d}:{value.minute:02d}"


def working_hours_to_json(wh: WorkingHours) -> dict[str, list[list[str]]]:
    """Working hours as ``{"mon": [["09:00", "17:00"]], ...}`` with every weekday present."""
    return {
        day: [
            [_format_clock(start, is_end=False), _format_clock(end, is_end=True)]
            for start, end in wh.get(day, ())
        ]
        for day in WEEKDAYS
    }


# --- attendees and their free time -----------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    """A person whose time the slot search must respect."""

    key: str
    timezone: str
    country: str | None
    working_hours: WorkingHours
    busy: tuple[Interval, ...] = ()

    def __post_init__(self) -> None:
        zone(self.timezone)
        if self.country is not None and not known_country(self.country):
            raise ValueError(f"unknown country code {self.country!r}")
        if not isinstance(self.busy, tuple):
            object.__setattr__(self, "busy", tuple(self.busy))


def working_intervals(
    working_hours: WorkingHours, tz: tzinfo, first_day: date, last_day: date
) -> list[Interval]:
    """The working ranges of the local days ``first_day`` to ``last_day`` (inclusive), in UTC.

    Each range is real time from the first moment the local clock reads its start to the last
    moment it reads something before its end, so a night shift over a clock change is an hour
    longer or shorter, and a range inside a spring-forward gap disappears.
    """
    spans: list[Interval] = []
    by_weekday = [tuple(working_hours.get(day, ())) for day in WEEKDAYS]
    day = first_day
    while day <= last_day:
        for start, end in by_weekday[day.weekday()]:
            begin = wall_to_utc(day, start, tz)
            finish = wall_to_utc(day + _ONE_DAY if end <= start else day, end, tz, end=True)
            if begin < finish:
                spans.append(Interval.trusted(begin, finish))
        day += _ONE_DAY
    return spans


def available_intervals(att: Attendee, start: datetime, end: datetime) -> list[Interval]:
    """The attendee's working time within ``[start, end)`` less public holidays, busy or not.

    A public holiday of the attendee's country blocks that whole local day, even for a shift
    that began the evening before.
    """
    lo = as_utc(start, "start")
    hi = as_utc(end, "end")
    if not lo < hi:
        return []
    tz = zone(att.timezone)
    # A range starting up to two local days earlier may still run into ``lo`` (night shifts,
    # and clock changes at midnight).
    first_day = lo.astimezone(tz).date() - 2 * _ONE_DAY
    last_day = hi.astimezone(tz).date()
    working = normalise(working_intervals(att.working_hours, tz, first_day, last_day))
    if att.country is not None:
        days_off = [day_span(day, tz) for day in public_holidays(att.country, first_day, last_day)]
        working = subtract_sorted(working, days_off)
    return intersect_normalised(working, [Interval.trusted(lo, hi)])


def free_intervals(att: Attendee, start: datetime, end: datetime) -> list[Interval]:
    """The attendee's free time within ``[start, end)``: working hours less holidays and busy."""
    available = available_intervals(att, start, end)
    if not available:
        return available
    lo, hi = available[0].start, available[-1].end
    blocked = sorted((b for b in att.busy if b.end > lo and b.start < hi), key=_by_start)
    return subtract_sorted(available, blocked)


_by_start = attrgetter("start")


# --- busy time from an uploaded calendar -----------------------------------------------------

_MAX_OCCURRENCES_PER_EVENT = 20_000
# What a malformed value inside an otherwise parsed file raises (icalendar's own errors are
# ValueErrors); any of them makes the upload unreadable rather than silently partial.
_UNREADABLE = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


def _invalid(message: str) -> AvailabilityInvalid:
    return AvailabilityInvalid({"file": [message]})


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _dateutil_rrule() -> Any:
    # python-dateutil ships with icalendar but has no type stubs here; a dynamic import keeps
    # mypy --strict honest without an ignore that would go stale once stubs appear.
    try:
        return importlib.import_module("dateutil.rrule")
    except ImportError:  # pragma: no cover - icalendar depends on dateutil
        return None


class _Reader:
    """Turns the components of one uploaded calendar into labelled busy intervals."""

    def __init__(self, default_tz: tzinfo, since: datetime | None, horizon: timedelta) -> None:
        self.default_tz = default_tz
        self.since = since
        self.horizon = horizon
        self.blocks: list[tuple[Interval, str]] = []
        # (UID, original start) of occurrences replaced or cancelled by a RECURRENCE-ID event.
        self.overridden: set[tuple[str, datetime]] = set()

    # values -------------------------------------------------------------------------------

    def wall(self, value: date | datetime, tz: tzinfo) -> datetime:
        """``value`` as a naive wall-clock time in ``tz`` (dates become their midnight)."""
        if not isinstance(value, datetime):
            return datetime.combine(value, time())
        if value.tzinfo is None:
            return value
        return value.astimezone(tz).replace(tzinfo=None, fold=0)

    def instant(self, value: date | datetime, *, end: bool = False) -> datetime:
        """``value`` in UTC; floating times and dates are read in the default zone."""
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC)
        return local_to_utc(self.wall(value, self.default_tz), self.default_tz, end=end)

    def add(self, start: datetime, end: datetime, label: str) -> None:
        if start < end:
            self.blocks.append((Interval(start, end), label))

    # components ---------------------------------------------------------------------------

    def read_event(self, event: Component) -> None:
        uid = str(event.get("UID", ""))
        status = str(event.get("STATUS", "")).strip().upper()
        transparent = str(event.get("TRANSP", "")).strip().upper() == "TRANSPARENT"
        if event.get("RECURRENCE-ID") is not None:
            original = event.decoded("RECURRENCE-ID")
            self.overridden.add((uid, self.instant(original)))
        if status == "CANCELLED" or transparent or event.get("DTSTART") is None:
            return
        start = event.decoded("DTSTART")
        if event.get("DTEND") is not None:
            end = event.decoded("DTEND")
        elif event.get("DURATION") is not None:
            end = start + event.decoded("DURATION")
        elif isinstance(start, datetime):
            return  # an instant, not a span of time
        else:
            end = start + _ONE_DAY
        if isinstance(start, datetime) != isinstance(end, datetime):
            raise ValueError("DTSTART and DTEND must both be dates or both be date-times")
        label = str(event.get("SUMMARY", "")).strip() or "busy"
        if event.get("RRULE") is not None and event.get("RECURRENCE-ID") is None:
            self.read_recurring(event, uid, start, end, label)
        else:
            self.add(self.instant(start), self.instant(end, end=True), label)

    def read_recurring(
        self, event: Component, uid: str, start: date | datetime, end: date | datetime, label: str
    ) -> None:
        # Recurrence is wall-clock arithmetic in the event's own zone: a weekly 09:00 meeting
        # stays at 09:00 local time across a clock change.
        tz = start.tzinfo if isinstance(start, datetime) and start.tzinfo else self.default_tz
        first = self.wall(start, tz)
        length = self.wall(end, tz) - first
        lo = self.since if self.since is not None else self.instant(start)
        hi = lo + self.horizon
        rrule = _dateutil_rrule()
        if rrule is None:  # pragma: no cover - icalendar depends on dateutil
            occurrences: Iterable[datetime] = [first]
        else:
            occurrences = self.rule_set(rrule, event, first, tz)
        last_wall = hi.astimezone(tz).replace(tzinfo=None) + _ONE_DAY
        for count, occurrence in enumerate(occurrences):
            if count >= _MAX_OCCURRENCES_PER_EVENT or occurrence > last_wall:
                break
            begin = local_to_utc(occurrence, tz)
            if begin >= hi or (uid, begin) in self.overridden:
                continue
            finish = local_to_utc(occurrence + length, tz, end=True)
            if finish > lo:
                self.add(begin, finish, label)

    def rule_set(self, rrule: Any, event: Component, first: datetime, tz: tzinfo) -> Any:
        rules = rrule.rruleset()
        rules.rdate(first)  # DTSTART is always an occurrence, whether or not it fits the rule
        for recur in _as_list(event.get("RRULE")):
            until = recur.get("UNTIL")
            parts = {key: value for key, value in recur.items() if key != "UNTIL"}
            text = type(recur)(parts).to_ical().decode()
            rule = rrule.rrulestr(text, dtstart=first)
            if until:
                value = until[0]
                limit = self.wall(value, tz)
                if not isinstance(value, datetime) and first.time() != time():
                    limit = datetime.combine(value, time.max)
                rule = rule.replace(until=limit)
            rules.rrule(rule)
        for name, add in (("EXDATE", rules.exdate), ("RDATE", rules.rdate)):
            for values in _as_list(event.get(name)):
                for value in values.dts:
                    moment = value.dt
                    if isinstance(moment, tuple):  # RDATE periods: the start is the occurrence
                        moment = moment[0]
                    if isinstance(moment, datetime):
                        add(self.wall(moment, tz))
                    else:
                        add(datetime.combine(moment, first.time()))
        return rules

    def read_free_busy(self, component: Component) -> None:
        for period in _as_list(component.get("FREEBUSY")):
            kind = str(period.params.get("FBTYPE", "BUSY")).strip().upper()
            if kind == "FREE":
                continue
            start, end_or_length = period.dt
            end = start + end_or_length if isinstance(end_or_length, timedelta) else end_or_length
            self.add(self.instant(start), self.instant(end, end=True), "busy")

    def in_horizon(self, interval: Interval) -> bool:
        if self.since is None:
            return True
        return interval.end > self.since and interval.start < self.since + self.horizon


def busy_from_ics(
    data: bytes,
    *,
    timezone: str | None = None,
    since: datetime | None = None,
    horizon_days: int = 400,
) -> list[tuple[Interval, str]]:
    """Busy blocks, each with its label (SUMMARY or "busy"), from an iCalendar upload.

    Reads VEVENTs (DTEND or DURATION, TZID-aware, recurring ones expanded, transparent and
    cancelled ones skipped) and VFREEBUSY periods. Dates and floating times are read in
    ``timezone``, else the calendar's X-WR-TIMEZONE, else UTC. Recurrences are expanded over
    ``horizon_days`` from ``since`` (from the event's own start when ``since`` is not given);
    with ``since`` given, blocks outside that horizon are dropped. Unreadable input raises
    :class:`AvailabilityInvalid` under the key ``"file"``.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes | bytearray):
        raise _invalid("expected the bytes of an iCalendar (.ics) file")
    if horizon_days < 0:
        raise ValueError("horizon_days must not be negative")
    try:
        components = Calendar.from_ical(bytes(data), multiple=True)
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise _invalid(f"not a readable iCalendar file: {exc}") from exc
    if not components:
        raise _invalid("no calendar found in the file (expected BEGIN:VCALENDAR ... END:VCALENDAR)")

    since_utc = as_utc(since, "since") if since is not None else None
    if timezone is not None:
        default_tz: tzinfo = zone(timezone)
    else:
        default_tz = UTC
        declared = str(components[0].get("X-WR-TIMEZONE", "")).strip()
        if declared:
            try:
                default_tz = zone(declared)
            except ValueError:
                default_tz = UTC
    reader = _Reader(default_tz, since_utc, timedelta(days=horizon_days))

    events: list[Component] = []
    for component in components:
        for sub in component.walk():
            if sub.name == "VEVENT":
                events.append(sub)
            elif sub.name == "VFREEBUSY":
                _read(reader.read_free_busy, sub, "free/busy period")
    # Overrides first, so that the occurrences they replace are known before expanding rules.
    events.sort(key=lambda event: event.get("RECURRENCE-ID") is None)
    for event in events:
        _read(reader.read_event, event, f"event {str(event.get('UID', '')).strip() or '?'}")
    blocks = [(interval, label) for interval, label in reader.blocks if reader.in_horizon(interval)]
    blocks.sort(key=lambda block: (block[0].start, block[0].end, block[1]))
    return blocks


def _read(read: Any, component: Component, what: str) -> None:
    try:
        read(component)
    except _UNREADABLE as exc:
        raise _invalid(f"{what}: {exc}") from exc

"""Business days, public holidays by country, local wall-clock time and the kickoff window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from kickoff.intervals import UTC, Interval, as_utc

_ONE_DAY = timedelta(days=1)
_TINY = timedelta(microseconds=1)
_SATURDAY = 5
_MIDNIGHT = time()


# --- time zones ------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name``; an unknown or malformed name raises ``ValueError``."""
    if not isinstance(name, str) or not name or name != name.strip():
        raise ValueError(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def known_timezone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this system knows."""
    try:
        zone(name)
    except ValueError:
        return False
    return True


def local_to_utc(local: datetime, tz: tzinfo, *, end: bool = False) -> datetime:
    """The UTC instant at which the wall clock of ``tz`` reads the naive ``local`` time.

    Clock changes make the answer ambiguous, so the rule is stated for a boundary of a
    wall-clock range: a time skipped by a spring-forward gap maps to the moment the clock jumps
    (the first existing time after it); a time that occurs twice maps to its first occurrence,
    or, when ``end`` is true, to the last moment the range still holds (its second occurrence,
    unless the repeated stretch begins exactly there). With these rules a range ``[a, b)``
    becomes the real time from the first moment the clock reads ``a`` to the last moment it
    reads something before ``b``.
    """
    return wall_to_utc(local.date(), local.time(), tz, end=end)


@lru_cache(maxsize=4096)
def _second_fold(at: time) -> time:
    # Naive times compare and hash equal whatever their fold, so this caches per clock reading.
    return time(at.hour, at.minute, at.second, at.microsecond, fold=1)


def wall_to_utc(day: date, at: time, tz: tzinfo, *, end: bool = False) -> datetime:
    """:func:`local_to_utc` for the wall-clock reading ``at`` on ``day`` (same rules)."""
    if at.fold or at.tzinfo is not None:
        at = time(at.hour, at.minute, at.second, at.microsecond)
    # ``datetime.combine`` rather than ``replace``: this runs for every working range of every
    # attendee in a slot search, and ``replace`` costs several times as much.
    first_offset = datetime.combine(day, at, tz).utcoffset()
    second_offset = datetime.combine(day, _second_fold(at), tz).utcoffset()
    if first_offset is None or second_offset is None:
        raise ValueError(f"time zone {tz!r} gives no UTC offset")
    reading = datetime.combine(day, at, UTC)
    if first_offset == second_offset:
        return reading - first_offset
    early = reading - first_offset
    late = reading - second_offset
    if first_offset < second_offset:
        # Spring forward: ``late`` < transition <= ``early``; find the jump itself.
        return _transition_between(late, early, tz, second_offset)
    if not end:
        return early
    naive = datetime.combine(day, at)
    before_second = (late - _TINY).astimezone(tz).replace(tzinfo=None, fold=0)
    return late if before_second < naive else early


def _transition_between(low: datetime, high: datetime, tz: tzinfo, after: timedelta) -> datetime:
    """The first UTC instant in ``(low, high]`` from which ``tz`` uses the offset ``after``."""
    lo_us = 0
    hi_us = (high - low) // _TINY
    while hi_us - lo_us > 1:
        mid = (lo_us + hi_us) // 2
        if (low + timedelta(microseconds=mid)).astimezone(tz).utcoffset() == after:
            hi_us = mid
        else:
            lo_us = mid
    return low + timedelta(microseconds=hi_us)


def day_span(day: date, tz: tzinfo) -> Interval:
    """The whole local calendar day ``day`` in ``tz`` (00:00 to 24:00 wall clock) in UTC."""
    start = wall_to_utc(day, _MIDNIGHT, tz)
    end = wall_to_utc(day + _ONE_DAY, _MIDNIGHT, tz)
    return Interval(start, end)


# --- public holidays -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _supported_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


def known_country(code: str) -> bool:
    """Whether ``code`` (ISO 3166-1 alpha-2, any case) is a country with a holiday calendar."""
    return isinstance(code, str) and code.strip().upper() in _supported_countries()


def _country_code(country: str) -> str:
    if not known_country(country):
        raise ValueError(f"unknown country code {country!r}")
    return country.strip().upper()


@lru_cache(maxsize=1024)
def _holiday_table(country: str, year: int) -> dict[date, str]:
    table = holidays.country_holidays(country, years=year)
    return {day: str(name) for day, name in table.items() if day.year == year}


def public_holidays(country: str, first: date, last: date) -> list[date]:
    """The national public holidays of ``country`` from ``first`` to ``last`` inclusive."""
    code = _country_code(country)
    return sorted(
        day
        for year in range(first.year, last.year + 1)
        for day in _holiday_table(code, year)
        if first <= day <= last
    )


def is_public_holiday(country: str, d: date) -> bool:
    """Whether ``d`` is a national public holiday of ``country`` (unknown code: ``ValueError``)."""
    return d in _holiday_table(_country_code(country), d.year)


def public_holiday_name(country: str, d: date) -> str | None:
    """The name of the national public holiday of ``country`` on ``d``, if there is one."""
    return _holiday_table(_country_code(country), d.year).get(d)


# --- the company calendar --------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessCalendar:
    """The company calendar: Monday to Friday in ``timezone``, less the holidays of ``country``.

    An empty ``country`` means a calendar without public holidays.
    """

    country: str = "US"
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        if self.country:
            object.__setattr__(self, "country", _country_code(self.country))
        zone(self.timezone)

    @property
    def tz(self) -> ZoneInfo:
        """The company time zone."""
        return zone(self.timezone)

    def holiday_name(self, d: date) -> str | None:
        """The public holiday on ``d``, or ``None``."""
        if not self.country:
            return None
        return public_holiday_name(self.country, d)

    def is_business_day(self, d: date) -> bool:
        """Whether ``d`` is a weekday that is not a public holiday."""
        if d.weekday() >= _SATURDAY:
            return False
        return not (self.country and is_public_holiday(self.country, d))

    def add_business_days(self, d: date, n: int) -> date:
        """Step forward a calendar day at a time until ``n`` business days have been counted."""
        return self._step(d, n, _ONE_DAY)

    def subtract_business_days(self, d: date, n: int) -> date:
        """Step back a calendar day at a time until ``n`` business days have been counted."""
        return self._step(d, n, -_ONE_DAY)

    def next_business_day(self, d: date) -> date:
        """``d`` itself when it is a business day, else the first business day after it."""
        while not self.is_business_day(d):
            d += _ONE_DAY
        return d

    def _step(self, d: date, n: int, step: timedelta) -> date:
        if n < 0:
            raise ValueError(f"a number of business days must not be negative, got {n}")
        counted = 0
        while counted < n:
            d += step
            if self.is_business_day(d):
                counted += 1
        return d


# --- the kickoff window ----------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """When a kickoff may take place: from ``earliest`` until it must have ended, ``deadline``."""

    earliest: datetime
    deadline: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "earliest", as_utc(self.earliest, "Window.earliest"))
        object.__setattr__(self, "deadline", as_utc(self.deadline, "Window.deadline"))

    @property
    def is_empty(self) -> bool:
        """Whether no meeting at all fits (the deadline is not after the earliest start)."""
        return self.deadline <= self.earliest

    def as_interval(self) -> Interval | None:
        """The window as an interval, or ``None`` when it is empty."""
        return None if self.is_empty else Interval(self.earliest, self.deadline)


def kickoff_window(
    closed_at: datetime,
    first_shipment: date,
    now: datetime,
    cal: BusinessCalendar,
    min_business_days_after_close: int = 1,
    min_business_days_before_shipment: int = 2,
) -> Window:
    """The kickoff window of a deal closed at ``closed_at`` that first ships on ``first_shipment``.

    Earliest: ``closed_at`` moved forward ``min_business_days_after_close`` business days of the
    company calendar keeping the local clock time (Friday 17:00 + 1 is Monday 17:00), and never
    before ``now``. Deadline: 24:00 company time on the business day lying
    ``min_business_days_before_shipment`` business days before the first shipment. The window
    may come out empty; it is returned anyway so that callers can show it.
    """
    tz = cal.tz
    closed_local = as_utc(closed_at, "closed_at").astimezone(tz)
    start_day = cal.add_business_days(closed_local.date(), min_business_days_after_close)
    # The close's own fold decides which of two repeated clock times is kept, so that adding
    # zero days gives back the close itself.
    earliest = local_to_utc(
        datetime.combine(start_day, closed_local.time()),
        tz,
        end=closed_local.fold == 1,
    )
    now_utc = as_utc(now, "now")
    earliest = max(earliest, now_utc)

    last_day = cal.subtract_business_days(first_shipment, min_business_days_before_shipment)
    deadline = local_to_utc(datetime.combine(last_day + _ONE_DAY, time()), tz)
    return Window(earliest=earliest, deadline=deadline)

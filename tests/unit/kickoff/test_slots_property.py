"""``earliest_slot`` against a brute-force reference on random calendars.

The reference shares no code with ``kickoff``: it reads wall clocks with ``zoneinfo`` and
holidays with the ``holidays`` library, walks every quarter-hour start in the window and checks
each minute of the meeting for every attendee. Working hours are random quarter-hour ranges
(overnight ones included) and busy blocks random minute-level spans; windows sit on the weeks
where the US, Europe, Australia and Lord Howe change their clocks, and around holidays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kickoff.availability import WEEKDAYS, Attendee, free_intervals
from kickoff.calendar import Window
from kickoff.intervals import Interval
from kickoff.slots import earliest_slot

ZONES = (
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",
    "Europe/Berlin",
    "Europe/London",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
)
COUNTRIES = (None, "US", "DE", "GB", "JP", "AU")
ANCHORS = (
    date(2026, 3, 5),  # US spring forward on the 8th, EU on the 29th
    date(2026, 3, 26),
    date(2026, 4, 2),  # Sydney and Lord Howe fall back on the 5th; Easter
    date(2026, 9, 24),  # Chatham springs forward on the 27th, Sydney on 4 October
    date(2026, 10, 1),
    date(2026, 10, 22),  # EU falls back on the 25th, US on 1 November
    date(2026, 10, 29),
    date(2026, 11, 24),  # Thanksgiving
    date(2026, 12, 22),  # Christmas
    date(2026, 6, 15),
)
QUARTER = timedelta(minutes=15)
MINUTE = timedelta(minutes=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
QUARTERS_A_DAY = 96
QUARTERS_A_WEEK = 7 * QUARTERS_A_DAY


# --- random calendars ------------------------------------------------------------------------


# Quarter hours of the day; the ones in the night are where clocks change, so they come often.
CLOCKS = (
    st.integers(0, QUARTERS_A_DAY - 1)
    | st.sampled_from([0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14])
    | st.sampled_from([28, 32, 36, 64, 68, 72])
)


def clock(quarters: int) -> time:
    return time((quarters // 4) % 24, (quarters % 4) * 15)


@st.composite
def working_hours(draw: st.DrawFn) -> dict[str, tuple[tuple[time, time], ...]]:
    """Disjoint ranges on the week seen as a circle of quarter hours, each at most a day long."""
    spans: list[tuple[int, int]] = []
    for day in range(7):
        if draw(st.sampled_from([True, True, True, False])):
            for start, end in draw(st.lists(st.tuples(CLOCKS, CLOCKS), min_size=1, max_size=2)):
                length = (end - start) % QUARTERS_A_DAY or QUARTERS_A_DAY
                spans.append((day * QUARTERS_A_DAY + start, length))
    # Cut each range short where the next one (round the week) begins, so none overlap.
    spans = sorted(set(spans))
    ranges: dict[str, list[tuple[time, time]]] = {day: [] for day in WEEKDAYS}
    for n, (begin, wanted) in enumerate(spans):
        if n + 1 < len(spans) and spans[n + 1][0] == begin:
            continue
        gap = (spans[(n + 1) % len(spans)][0] - begin) % QUARTERS_A_WEEK or QUARTERS_A_WEEK
        length = min(wanted, gap)
        ranges[WEEKDAYS[begin // QUARTERS_A_DAY]].append((clock(begin), clock(begin + length)))
    return {day: tuple(r) for day, r in ranges.items()}


@dataclass(frozen=True)
class Case:
    attendees: tuple[Attendee, ...]
    window: Window
    minutes: int


@st.composite
def cases(draw: st.DrawFn) -> Case:
    anchor = datetime.combine(draw(st.sampled_from(ANCHORS)), time(), tzinfo=UTC)
    earliest = anchor + timedelta(
        minutes=draw(st.integers(0, 4 * 24 * 60)), seconds=draw(st.sampled_from([0, 0, 1, 59]))
    )
    # Hypothesis favours small numbers; whole days drawn apart keep most windows days long.
    deadline = earliest + timedelta(
        days=draw(st.sampled_from([0, 1, 2, 3, 4])), minutes=draw(st.integers(0, 24 * 60))
    )
    attendees = []
    # Attendees drawn from a few zones at a time overlap often enough to find slots.
    zones = draw(st.lists(st.sampled_from(ZONES), min_size=1, max_size=3))
    for n in range(draw(st.integers(2, 4))):
        busy = []
        for _ in range(draw(st.integers(0, 8))):
            start = earliest + timedelta(minutes=draw(st.integers(-600, 6 * 24 * 60)))
            start = start.replace(second=0)
            busy.append(Interval(start, start + timedelta(minutes=draw(st.integers(1, 300)))))
        attendees.append(
            Attendee(
                key=f"user:{n}",
                timezone=draw(st.sampled_from(zones)),
                country=draw(st.sampled_from(COUNTRIES)),
                working_hours=draw(working_hours()),
                busy=tuple(busy),
            )
        )
    minutes = draw(st.sampled_from([15, 20, 30, 45, 50, 60, 90]))
    return Case(tuple(attendees), Window(earliest, deadline), minutes)


# --- the brute-force reference ---------------------------------------------------------------


def wall(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


@lru_cache(maxsize=4096)
def working_span(
    tz_name: str, day: date, start: time, end: time
) -> tuple[datetime, datetime] | None:
    """First and last-plus-a-quarter UTC quarter hour whose wall clock lies in the range.

    Every offset and every clock change of the zones used is on a quarter hour, and so are
    the ranges, so scanning quarter hours finds the exact bounds.
    """
    tz = ZoneInfo(tz_name)
    begin = datetime.combine(day, start)
    finish = datetime.combine(day + timedelta(days=1) if end <= start else day, end)
    moment = begin.replace(tzinfo=UTC) - timedelta(hours=15)
    last_moment = finish.replace(tzinfo=UTC) + timedelta(hours=15)
    inside: list[datetime] = []
    while moment <= last_moment:
        if begin <= wall(moment, tz) < finish:
            inside.append(moment)
        moment += QUARTER
    if not inside:
        return None
    return inside[0], inside[-1] + QUARTER


@lru_cache(maxsize=64)
def holiday_dates(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


def free_minutes(att: Attendee, first: datetime, count: int) -> list[bool]:
    """Whether the attendee is free in each of the ``count`` minutes from ``first``.

    Working spans and local days begin and end on quarter hours here, so those are looked up
    once per quarter hour; busy blocks are marked minute by minute.
    """
    tz = ZoneInfo(att.timezone)
    spans = []
    day = wall(first, tz).date() - timedelta(days=2)
    last_day = wall(first + count * MINUTE, tz).date() + timedelta(days=1)
    while day <= last_day:
        for start, end in att.working_hours.get(WEEKDAYS[day.weekday()], ()):
            found = working_span(att.timezone, day, start, end)
            if found is not None:
                spans.append(found)
        day += timedelta(days=1)

    first_minute = int((first - EPOCH) / MINUTE)
    quarter_free: dict[int, bool] = {}
    for quarter in range(first_minute // 15, (first_minute + count) // 15 + 1):
        moment = EPOCH + quarter * QUARTER
        local_day = wall(moment, tz).date()
        quarter_free[quarter] = any(lo <= moment < hi for lo, hi in spans) and not (
            att.country and local_day in holiday_dates(att.country, local_day.year)
        )
    free = [quarter_free[(first_minute + n) // 15] for n in range(count)]
    first_second = int(first.timestamp())
    for block in att.busy:
        block_start, block_end = block.start.timestamp(), block.end.timestamp()
        for n in range(count):
            minute_start = first_second + 60 * n
            if block_start < minute_start + 60 and minute_start < block_end:
                free[n] = False
    return free


def reference_slot(case: Case) -> Interval | None:
    earliest, deadline = case.window.earliest, case.window.deadline
    first = earliest.replace(second=0, microsecond=0)
    count = int((deadline - first) / MINUTE) + 1
    columns = zip(*(free_minutes(a, first, count) for a in case.attendees), strict=True)
    everyone = [all(column) for column in columns]
    start = first
    while start.minute % 15 or start < earliest:
        start += MINUTE
    length = timedelta(minutes=case.minutes)
    while start + length <= deadline:
        offset = int((start - first) / MINUTE)
        if all(everyone[offset : offset + case.minutes]):
            return Interval(start, start + length)
        start += QUARTER
    return None


# --- the property ----------------------------------------------------------------------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_earliest_slot_is_the_first_quarter_hour_start_a_minute_by_minute_search_finds(
    case: Case,
) -> None:
    expected = reference_slot(case)
    event("slot found" if expected is not None else "no slot")

    assert earliest_slot(case.attendees, case.window, minutes=case.minutes) == expected


# Days on which each zone changes its clocks in 2026.
CLOCK_CHANGES = {
    "America/New_York": (date(2026, 3, 8), date(2026, 11, 1)),
    "America/St_Johns": (date(2026, 3, 8), date(2026, 11, 1)),
    "Europe/Berlin": (date(2026, 3, 29), date(2026, 10, 25)),
    "Europe/London": (date(2026, 3, 29), date(2026, 10, 25)),
    "Australia/Sydney": (date(2026, 4, 5), date(2026, 10, 4)),
    "Australia/Lord_Howe": (date(2026, 4, 5), date(2026, 10, 4)),
    "Pacific/Chatham": (date(2026, 4, 5), date(2026, 9, 27)),
}


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(sorted(CLOCK_CHANGES)),
    st.integers(0, 1),
    working_hours(),
)
def test_working_time_over_a_clock_change_is_exactly_the_quarter_hours_a_walk_finds(
    tz: str, which: int, wh: dict[str, tuple[tuple[time, time], ...]]
) -> None:
    change = CLOCK_CHANGES[tz][which]
    first = datetime.combine(change - timedelta(days=1), time(), tzinfo=UTC)
    quarters = 3 * QUARTERS_A_DAY
    attendee = Attendee(key="user:1", timezone=tz, country=None, working_hours=wh)

    free = free_intervals(attendee, first, first + quarters * QUARTER)

    covered = [False] * quarters
    for interval in free:
        assert (interval.start - EPOCH) % QUARTER == (interval.end - EPOCH) % QUARTER == timedelta()
        for n in range(
            int((interval.start - first) / QUARTER), int((interval.end - first) / QUARTER)
        ):
            covered[n] = True
    expected = free_minutes(attendee, first, quarters * 15)[::15]
    assert covered == expected

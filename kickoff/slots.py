"""The earliest kickoff slot every required attendee can make, found exactly by set arithmetic.

Everyone's working time (own zone, own holidays) is a few UTC intervals a day; intersecting
those gives the time all of them work, and sweeping everyone's busy blocks off it, sorted once,
leaves every instant at which all are free. The first such interval long enough to hold a slot
starting on a quarter hour gives the answer. The cost grows with the number of intervals and
busy blocks (O(n log n) for the sort) and never with the length of the window in minutes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from operator import attrgetter

from kickoff.availability import Attendee, available_intervals, free_intervals
from kickoff.calendar import Window
from kickoff.errors import NoCommonSlot
from kickoff.intervals import UTC, Interval, intersect_normalised, subtract_sorted

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def align_up(moment: datetime, step_minutes: int = 15) -> datetime:
    """The first instant at or after ``moment`` that is a whole multiple of ``step_minutes``.

    Multiples are counted from the Unix epoch in UTC, so with a step of 15 the result is a UTC
    quarter hour, and, since every zone's offset is a whole number of quarter hours, a local one.
    """
    step = timedelta(minutes=step_minutes)
    remainder = (moment - _EPOCH) % step
    return moment if not remainder else moment + (step - remainder)


def _check(minutes: int, step_minutes: int) -> None:
    if minutes <= 0:
        raise ValueError(f"a kickoff must last at least one minute, got {minutes}")
    if step_minutes <= 0:
        raise ValueError(f"the start step must be at least one minute, got {step_minutes}")


def common_free(attendees: Sequence[Attendee], window: Window) -> list[Interval]:
    """The instants inside the window at which every attendee is free (no attendees: all)."""
    bounds = window.as_interval()
    if bounds is None:
        return []
    # Intersect the working time first: it is a few intervals a day, where busy blocks run to
    # thousands. Everyone's busy blocks then come off the (small) shared time in one sorted
    # sweep, with no per-attendee merging of blocks at all.
    common = [bounds]
    for attendee in attendees:
        common = intersect_normalised(
            common, available_intervals(attendee, bounds.start, bounds.end)
        )
        if not common:
            return common
    lo, hi = common[0].start, common[-1].end
    blocks = [
        block
        for attendee in attendees
        for block in attendee.busy
        if block.end > lo and block.start < hi
    ]
    blocks.sort(key=_by_start)
    return subtract_sorted(common, blocks)


_by_start = attrgetter("start")


def _slots_in(common: Sequence[Interval], minutes: int, step_minutes: int) -> Iterator[Interval]:
    length = timedelta(minutes=minutes)
    step = timedelta(minutes=step_minutes)
    for interval in common:
        start = align_up(interval.start, step_minutes)
        while start + length <= interval.end:
            yield Interval(start, start + length)
            start += step


def earliest_slot(
    attendees: Sequence[Attendee],
    window: Window,
    minutes: int = 45,
    step_minutes: int = 15,
) -> Interval | None:
    """The first ``minutes``-long slot on a ``step_minutes`` boundary that fits all, or None."""
    _check(minutes, step_minutes)
    return next(_slots_in(common_free(attendees, window), minutes, step_minutes), None)


def require_slot(
    attendees: Sequence[Attendee],
    window: Window,
    minutes: int = 45,
    step_minutes: int = 15,
) -> Interval:
    """Like :func:`earliest_slot`, but no slot at all raises :class:`NoCommonSlot`."""
    slot = earliest_slot(attendees, window, minutes, step_minutes)
    if slot is None:
        raise NoCommonSlot(
            f"no {minutes}-minute slot fits all {len(attendees)} required attendees between "
            f"{window.earliest.isoformat()} and {window.deadline.isoformat()}"
        )
    return slot


def all_free_slots(
    attendees: Sequence[Attendee],
    window: Window,
    minutes: int = 45,
    step_minutes: int = 15,
    limit: int | None = 50,
) -> list[Interval]:
    """Every fitting slot in order (overlapping, ``step_minutes`` apart), at most ``limit``."""
    _check(minutes, step_minutes)
    found: list[Interval] = []
    for slot in _slots_in(common_free(attendees, window), minutes, step_minutes):
        if limit is not None and len(found) >= limit:
            break
        found.append(slot)
    return found


def unavailable_attendees(attendees: Sequence[Attendee], slot: Interval) -> list[str]:
    """Keys of the attendees who are not free for the whole of ``slot`` (empty: it still fits)."""
    missing: list[str] = []
    for attendee in attendees:
        free = free_intervals(attendee, slot.start, slot.end)
        if not any(interval.covers(slot) for interval in free):
            missing.append(attendee.key)
    return missing

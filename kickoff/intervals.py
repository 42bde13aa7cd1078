"""Half-open UTC time intervals and the set operations the slot search is built from.

Every function here treats a sequence of intervals as a set of instants: inputs may be unsorted
and may overlap, outputs are sorted, disjoint and never touch (``normalise`` form). Each
operation is a single merge pass after sorting, so O(n log n) at worst and O(n) on sorted input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import attrgetter

__all__ = [
    "UTC",
    "Interval",
    "as_utc",
    "clip",
    "intersect",
    "intersect_all",
    "normalise",
    "subtract",
]


def as_utc(moment: datetime, what: str = "datetime") -> datetime:
    """Return ``moment`` in UTC; naive datetimes are refused, never guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {moment.isoformat()}")
    if moment.tzinfo is UTC:
        return moment
    return moment.astimezone(UTC)


@dataclass(frozen=True, order=True)
class Interval:
    """The half-open span ``[start, end)`` between two aware datetimes, kept in UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        # Keeping every bound on the one ``timezone.utc`` object lets comparisons skip the
        # offset lookups that mixed zones would need, which the slot search relies on for speed.
        start = as_utc(self.start, "Interval.start")
        end = as_utc(self.end, "Interval.end")
        if start is not self.start:
            object.__setattr__(self, "start", start)
        if end is not self.end:
            object.__setattr__(self, "end", end)
        if not start < end:
            raise ValueError(
                f"Interval start {start.isoformat()} is not before end {end.isoformat()}"
            )

    @property
    def duration(self) -> timedelta:
        """How long the interval lasts."""
        return self.end - self.start

    def contains(self, moment: datetime) -> bool:
        """Whether ``moment`` lies inside ``[start, end)``."""
        return self.start <= moment < self.end

    def covers(self, other: Interval) -> bool:
        """Whether ``other`` lies wholly inside this interval."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Interval) -> bool:
        """Whether the two intervals share at least one instant."""
        return self.start < other.end and other.start < self.end


def _span(start: datetime, end: datetime) -> Interval:
    # Internal constructor for bounds already known to be UTC and ordered: the set operations
    # build thousands of intervals and re-validating each one would dominate their cost.
    interval = object.__new__(Interval)
    object.__setattr__(interval, "start", start)
    object.__setattr__(interval, "end", end)
    return interval


_by_start = attrgetter("start")


def normalise(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort the intervals and merge every pair that overlaps or touches."""
    ordered = sorted(intervals, key=_by_start)
    merged: list[Interval] = []
    if not ordered:
        return merged
    current_start = ordered[0].start
    current_end = ordered[0].end
    for interval in ordered[1:]:
        if interval.start <= current_end:
            current_end = max(current_end, interval.end)
        else:
            merged.append(_span(current_start, current_end))
            current_start = interval.start
            current_end = interval.end
    merged.append(_span(current_start, current_end))
    return merged


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The instants that lie in both ``a`` and ``b``."""
    left = normalise(a)
    right = normalise(b)
    result: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        x = left[i]
        y = right[j]
        start = x.start if x.start >= y.start else y.start
        if x.end <= y.end:
            end = x.end
            i += 1
        else:
            end = y.end
            j += 1
        if start < end:
            result.append(_span(start, end))
    return result


def intersect_all(groups: Iterable[Sequence[Interval]]) -> list[Interval]:
    """The instants common to every group; no groups at all is an error (it would be everything)."""
    iterator = iter(groups)
    try:
        common = normalise(next(iterator))
    except StopIteration:
        raise ValueError("intersect_all needs at least one group of intervals") from None
    for group in iterator:
        if not common:
            break
        common = intersect(common, group)
    return common


def subtract(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The instants of ``a`` that lie in no interval of ``b``."""
    left = normalise(a)
    right = normalise(b)
    result: list[Interval] = []
    j = 0
    for interval in left:
        start = interval.start
        end = interval.end
        # Blocks ending at or before this interval cannot touch any later one either.
        while j < len(right) and right[j].end <= start:
            j += 1
        k = j
        while k < len(right) and right[k].start < end:
            block = right[k]
            if block.start > start:
                result.append(_span(start, block.start))
            start = max(start, block.end)
            if start >= end:
                break
            k += 1
        if start < end:
            result.append(_span(start, end))
    return result


def clip(intervals: Sequence[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The normalised intervals cut to ``[start, end)``; an empty or inverted range gives ``[]``."""
    lo = as_utc(start, "start")
    hi = as_utc(end, "end")
    if not lo < hi:
        return []
    return intersect(intervals, [_span(lo, hi)])

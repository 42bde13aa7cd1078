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
    "intersect_normalised",
    "normalise",
    "subtract",
    "subtract_sorted",
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

    @classmethod
    def trusted(cls, start: datetime, end: datetime) -> Interval:
        """An interval from bounds already on ``datetime.UTC`` with ``start < end``, unchecked.

        The set operations build thousands of intervals per slot search; checking bounds the
        arithmetic has just produced would dominate their cost.
        """
        interval = object.__new__(cls)
        object.__setattr__(interval, "start", start)
        object.__setattr__(interval, "end", end)
        return interval


_span = Interval.trusted
_by_start = attrgetter("start")


def normalise(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort the intervals and merge every pair that overlaps or touches."""
    ordered = sorted(intervals, key=_by_start)
    merged: list[Interval] = []
    if not ordered:
        return merged
    # ``current`` is kept as long as nothing extends it, so normal input is not copied.
    current: Interval | None = ordered[0]
    current_start = ordered[0].start
    current_end = ordered[0].end
    for index in range(1, len(ordered)):
        interval = ordered[index]
        if interval.start <= current_end:
            if interval.end > current_end:
                current_end = interval.end
                current = None
        else:
            merged.append(current if current is not None else _span(current_start, current_end))
            current = interval
            current_start = interval.start
            current_end = interval.end
    merged.append(current if current is not None else _span(current_start, current_end))
    return merged


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The instants that lie in both ``a`` and ``b``."""
    return intersect_normalised(normalise(a), normalise(b))


def intersect_normalised(left: Sequence[Interval], right: Sequence[Interval]) -> list[Interval]:
    """:func:`intersect` for inputs already in ``normalise`` form (not checked)."""
    result: list[Interval] = []
    i = j = 0
    left_count = len(left)
    right_count = len(right)
    while i < left_count and j < right_count:
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
        common = intersect_normalised(common, normalise(group))
    return common


def subtract(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The instants of ``a`` that lie in no interval of ``b``."""
    return subtract_sorted(normalise(a), sorted(b, key=_by_start))


def subtract_sorted(left: Sequence[Interval], blocks: Sequence[Interval]) -> list[Interval]:
    """:func:`subtract` for ``left`` in ``normalise`` form and ``blocks`` sorted by start.

    The blocks may overlap one another, so a caller with many busy blocks sorts them (fast, in
    C) and skips the merge pass altogether.
    """
    result: list[Interval] = []
    j = 0
    count = len(blocks)
    for interval in left:
        start = interval.start
        end = interval.end
        # Blocks that ended before this interval began cannot touch any later interval.
        while j < count and blocks[j].end <= start:
            j += 1
        k = j
        while k < count:
            block = blocks[k]
            if block.start >= end:
                break
            if block.start > start:
                result.append(_span(start, block.start))
            if block.end > start:
                start = block.end
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
    return intersect_normalised(normalise(intervals), [_span(lo, hi)])

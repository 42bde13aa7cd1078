from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kickoff.intervals import Interval, clip, intersect, intersect_all, normalise, subtract

from .builders import utc

BASE = utc(2026, 1, 1)


def at(minute: int) -> datetime:
    return BASE + timedelta(minutes=minute)


def iv(a: int, b: int) -> Interval:
    return Interval(at(a), at(b))


def minutes_of(intervals: list[Interval]) -> set[int]:
    found: set[int] = set()
    for interval in intervals:
        first = int((interval.start - BASE) / timedelta(minutes=1))
        last = int((interval.end - BASE) / timedelta(minutes=1))
        found.update(range(first, last))
    return found


def is_normal(intervals: list[Interval]) -> bool:
    return all(a.end < b.start for a, b in pairwise(intervals))


interval_lists = st.lists(
    st.tuples(st.integers(0, 300), st.integers(1, 60)).map(lambda p: iv(p[0], p[0] + p[1])),
    max_size=12,
)


def test_an_interval_is_kept_in_utc_whatever_zone_it_was_given_in() -> None:
    berlin_winter = timezone(timedelta(hours=1))
    interval = Interval(datetime(2026, 1, 5, 10, tzinfo=berlin_winter), utc(2026, 1, 5, 10))

    assert interval.start == utc(2026, 1, 5, 9)
    assert interval.start.tzinfo is UTC


def test_an_interval_must_be_aware_and_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Interval(datetime(2026, 1, 1, 9), utc(2026, 1, 1, 10))
    with pytest.raises(ValueError, match="not before"):
        Interval(utc(2026, 1, 1, 10), utc(2026, 1, 1, 10))


def test_normalise_sorts_and_merges_overlapping_and_touching_intervals() -> None:
    assert normalise([iv(50, 60), iv(0, 10), iv(10, 20), iv(15, 30), iv(40, 45)]) == [
        iv(0, 30),
        iv(40, 45),
        iv(50, 60),
    ]


def test_intersect_keeps_only_shared_time() -> None:
    assert intersect([iv(0, 10), iv(20, 30)], [iv(5, 25)]) == [iv(5, 10), iv(20, 25)]


def test_subtract_cuts_busy_time_out_of_free_time() -> None:
    assert subtract([iv(0, 60)], [iv(10, 20), iv(15, 30), iv(50, 70)]) == [iv(0, 10), iv(30, 50)]


def test_clip_cuts_to_the_range_and_an_empty_range_gives_nothing() -> None:
    assert clip([iv(0, 60)], at(10), at(20)) == [iv(10, 20)]
    assert clip([iv(0, 60)], at(20), at(20)) == []


def test_intersect_all_needs_at_least_one_group() -> None:
    with pytest.raises(ValueError):
        intersect_all([])


@settings(max_examples=60)
@given(interval_lists)
def test_normalise_keeps_the_same_instants_in_disjoint_sorted_form(a: list[Interval]) -> None:
    result = normalise(a)
    assert minutes_of(result) == minutes_of(a)
    assert is_normal(result)


@settings(max_examples=60)
@given(interval_lists, interval_lists)
def test_intersect_and_subtract_agree_with_set_arithmetic(
    a: list[Interval], b: list[Interval]
) -> None:
    both = intersect(a, b)
    rest = subtract(a, b)
    assert minutes_of(both) == minutes_of(a) & minutes_of(b)
    assert minutes_of(rest) == minutes_of(a) - minutes_of(b)
    assert is_normal(both)
    assert is_normal(rest)


@settings(max_examples=60)
@given(st.lists(interval_lists, min_size=1, max_size=4))
def test_intersect_all_is_the_instants_common_to_every_group(groups: list[list[Interval]]) -> None:
    expected = minutes_of(groups[0])
    for group in groups[1:]:
        expected &= minutes_of(group)
    assert minutes_of(intersect_all(groups)) == expected

from __future__ import annotations

from datetime import timedelta

import pytest

from kickoff.errors import NoCommonSlot
from kickoff.slots import (
    align_up,
    all_free_slots,
    earliest_slot,
    require_slot,
    unavailable_attendees,
)

from .builders import hours, person, span, utc, window


def test_the_earliest_slot_starts_on_the_next_quarter_hour() -> None:
    slot = earliest_slot([person("UTC")], window(utc(2026, 5, 4, 10, 7), utc(2026, 5, 8)))

    assert slot == span(utc(2026, 5, 4, 10, 15), utc(2026, 5, 4, 11))


def test_a_start_with_seconds_is_rounded_up_to_the_next_quarter_hour() -> None:
    assert align_up(utc(2026, 5, 4, 10, 0) + timedelta(seconds=1)) == utc(2026, 5, 4, 10, 15)
    assert align_up(utc(2026, 5, 4, 10, 15)) == utc(2026, 5, 4, 10, 15)


def test_a_gap_between_busy_blocks_too_short_for_the_meeting_is_skipped() -> None:
    busy = [
        span(utc(2026, 5, 4, 9), utc(2026, 5, 4, 10)),
        span(utc(2026, 5, 4, 10, 30), utc(2026, 5, 4, 12)),
    ]

    slot = earliest_slot([person("UTC", busy=busy)], window(utc(2026, 5, 4), utc(2026, 5, 8)))

    assert slot == span(utc(2026, 5, 4, 12), utc(2026, 5, 4, 12, 45))


def test_a_free_stretch_starting_off_the_quarter_hour_needs_room_after_rounding() -> None:
    busy = [
        span(utc(2026, 5, 4, 9), utc(2026, 5, 4, 10, 5)),
        span(utc(2026, 5, 4, 10, 55), utc(2026, 5, 4, 17)),
    ]

    slot = earliest_slot([person("UTC", busy=busy)], window(utc(2026, 5, 4), utc(2026, 5, 8)))

    # 10:05-10:55 is 50 free minutes, but from 10:15 only 40 remain.
    assert slot == span(utc(2026, 5, 5, 9), utc(2026, 5, 5, 9, 45))


def test_the_slot_must_end_by_the_deadline() -> None:
    w = window(utc(2026, 5, 4, 16), utc(2026, 5, 4, 16, 30))
    assert earliest_slot([person("UTC")], w) is None
    assert earliest_slot([person("UTC")], w, minutes=30) == span(
        utc(2026, 5, 4, 16), utc(2026, 5, 4, 16, 30)
    )


def test_three_zones_meet_at_the_only_hour_they_share() -> None:
    la = person("America/Los_Angeles", key="user:la", working_hours=hours("07:00", "17:00"))
    berlin = person("Europe/Berlin", key="user:berlin", working_hours=hours("08:00", "18:00"))
    tokyo = person("Asia/Tokyo", key="user:tokyo", working_hours=hours("08:00", "20:00"))

    slot = earliest_slot([la, berlin, tokyo], window(utc(2026, 6, 1), utc(2026, 6, 6)), minutes=60)

    # In UTC: LA 14-24, Berlin 06-16, Tokyo 23-11. LA and Berlin share 14-16; Tokyo neither.
    assert slot is None
    assert earliest_slot(
        [la, berlin], window(utc(2026, 6, 1), utc(2026, 6, 6)), minutes=60
    ) == span(utc(2026, 6, 1, 14), utc(2026, 6, 1, 15))


def test_a_slot_can_fall_across_midnight_utc_between_los_angeles_and_tokyo() -> None:
    la = person("America/Los_Angeles", key="user:la", working_hours=hours("08:00", "18:00"))
    tokyo = person("Asia/Tokyo", key="user:tokyo")

    slot = earliest_slot([la, tokyo], window(utc(2026, 6, 1), utc(2026, 6, 6)))

    # Monday 17:00 PDT is Tuesday 09:00 JST, which is midnight UTC.
    assert slot == span(utc(2026, 6, 2, 0), utc(2026, 6, 2, 0, 45))


def test_no_common_time_means_no_slot_and_require_slot_says_so() -> None:
    early = person("UTC", key="user:early", working_hours=hours("06:00", "09:00"))
    late = person("UTC", key="user:late", working_hours=hours("09:00", "12:00"))
    w = window(utc(2026, 5, 4), utc(2026, 5, 18))

    assert earliest_slot([early, late], w) is None
    with pytest.raises(NoCommonSlot):
        require_slot([early, late], w)


def test_nobody_to_wait_for_means_the_first_quarter_hour_of_the_window() -> None:
    assert earliest_slot([], window(utc(2026, 5, 2, 3, 1), utc(2026, 5, 3))) == span(
        utc(2026, 5, 2, 3, 15), utc(2026, 5, 2, 4)
    )


def test_all_free_slots_lists_every_quarter_hour_start_that_fits() -> None:
    w = window(utc(2026, 5, 4, 9), utc(2026, 5, 4, 10, 30))
    starts = [s.start for s in all_free_slots([person("UTC")], w, minutes=45, limit=None)]

    assert starts == [
        utc(2026, 5, 4, 9),
        utc(2026, 5, 4, 9, 15),
        utc(2026, 5, 4, 9, 30),
        utc(2026, 5, 4, 9, 45),
    ]
    assert len(all_free_slots([person("UTC")], w, limit=2)) == 2


def test_unavailable_attendees_names_who_cannot_make_a_given_slot() -> None:
    busy = person(
        "UTC", key="user:busy", busy=[span(utc(2026, 5, 4, 9, 30), utc(2026, 5, 4, 9, 40))]
    )
    free = person("UTC", key="user:free")

    assert unavailable_attendees(
        [busy, free], span(utc(2026, 5, 4, 9), utc(2026, 5, 4, 9, 45))
    ) == ["user:busy"]
    assert (
        unavailable_attendees([busy, free], span(utc(2026, 5, 4, 10), utc(2026, 5, 4, 10, 45)))
        == []
    )


def test_a_meeting_length_or_step_below_one_minute_is_refused() -> None:
    w = window(utc(2026, 5, 4), utc(2026, 5, 5))
    with pytest.raises(ValueError):
        earliest_slot([person("UTC")], w, minutes=0)
    with pytest.raises(ValueError):
        earliest_slot([person("UTC")], w, step_minutes=0)

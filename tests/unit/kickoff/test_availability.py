from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from kickoff.availability import (
    DEFAULT_WORKING_HOURS,
    WEEKDAYS,
    Attendee,
    free_intervals,
    parse_working_hours,
    working_hours_to_json,
)
from kickoff.errors import AvailabilityInvalid
from kickoff.intervals import Interval
from kickoff.slots import common_free, earliest_slot

from .builders import hours, person, span, utc, window

# --- reading working hours -------------------------------------------------------------------


def test_working_hours_are_read_per_weekday_and_missing_days_are_days_off() -> None:
    wh = parse_working_hours(
        {"mon": [["09:00", "12:00"], ["13:00", "17:30"]], "Fri": [["8:00", "12:00"]]}
    )

    assert wh["mon"] == ((time(9), time(12)), (time(13), time(17, 30)))
    assert wh["fri"] == ((time(8), time(12)),)
    assert wh["tue"] == ()
    assert set(wh) == set(WEEKDAYS)


def test_24_00_closes_the_day_and_round_trips_through_json() -> None:
    raw = {"sat": [["18:00", "24:00"]], "sun": [["00:00", "24:00"]], "wed": [["22:00", "06:00"]]}
    wh = parse_working_hours(raw)

    assert wh["sat"] == ((time(18), time(0)),)
    assert working_hours_to_json(wh) == {
        "mon": [],
        "tue": [],
        "wed": [["22:00", "06:00"]],
        "thu": [],
        "fri": [],
        "sat": [["18:00", "24:00"]],
        "sun": [["00:00", "24:00"]],
    }
    assert parse_working_hours(working_hours_to_json(wh)) == wh


def test_default_working_hours_are_nine_to_five_monday_to_friday() -> None:
    assert working_hours_to_json(DEFAULT_WORKING_HOURS)["mon"] == [["09:00", "17:00"]]
    assert DEFAULT_WORKING_HOURS["sat"] == ()


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ({"funday": [["09:00", "17:00"]]}, "working_hours.funday"),
        ({"tue": [["09:00", "17:00"], ["9am", "17:00"]]}, "working_hours.tue.1"),
        ({"tue": [["09:00", "24:30"]]}, "working_hours.tue.0"),
        ({"tue": [["24:00", "02:00"]]}, "working_hours.tue.0"),
        ({"tue": [["09:00", "09:00"]]}, "working_hours.tue.0"),
        ({"tue": [["09:00"]]}, "working_hours.tue.0"),
        ({"tue": "09:00-17:00"}, "working_hours.tue"),
        ({"tue": [["09:00", "13:00"], ["12:00", "17:00"]]}, "working_hours.tue.1"),
        ({"mon": [["22:00", "06:00"]], "tue": [["05:00", "12:00"]]}, "working_hours.tue.0"),
        ({"sun": [["22:00", "06:00"]], "mon": [["05:00", "12:00"]]}, "working_hours.mon.0"),
    ],
)
def test_unreadable_or_overlapping_working_hours_are_reported_under_their_path(
    raw: dict[str, object], path: str
) -> None:
    with pytest.raises(AvailabilityInvalid) as caught:
        parse_working_hours(raw)

    assert path in caught.value.errors


def test_ranges_that_only_touch_do_not_overlap() -> None:
    wh = parse_working_hours({"mon": [["22:00", "06:00"]], "tue": [["06:00", "09:00"]]})
    assert wh["tue"] == ((time(6), time(9)),)


def test_an_attendee_needs_a_real_time_zone_and_country() -> None:
    with pytest.raises(ValueError):
        person("Europe/Atlantis")
    with pytest.raises(ValueError):
        person("Europe/Berlin", country="XX")


# --- free time across clock changes ----------------------------------------------------------


def test_nine_to_five_in_new_york_moves_an_hour_earlier_in_utc_after_spring_forward() -> None:
    ny = person("America/New_York")
    friday = free_intervals(ny, utc(2026, 3, 6), utc(2026, 3, 7))
    monday = free_intervals(ny, utc(2026, 3, 9), utc(2026, 3, 10))

    assert friday == [span(utc(2026, 3, 6, 14), utc(2026, 3, 6, 22))]
    assert monday == [span(utc(2026, 3, 9, 13), utc(2026, 3, 9, 21))]


@pytest.mark.parametrize(
    ("day", "shared_hours"),
    [
        (utc(2026, 3, 3), 2),  # both on standard time
        (utc(2026, 3, 10), 3),  # the US has sprung forward, Europe not yet
        (utc(2026, 3, 24), 3),
        (utc(2026, 3, 31), 2),  # both on summer time
        (utc(2026, 10, 20), 2),  # both on summer time
        (utc(2026, 10, 27), 3),  # Europe has fallen back, the US not yet
        (utc(2026, 11, 3), 2),  # both on standard time
    ],
)
def test_new_york_and_berlin_share_an_extra_hour_while_only_one_side_has_changed_clocks(
    day: datetime, shared_hours: int
) -> None:
    ny = person("America/New_York", key="user:ny")
    berlin = person("Europe/Berlin", key="user:berlin")

    common = common_free([ny, berlin], window(day, day + timedelta(days=1)))

    assert sum((i.duration for i in common), timedelta()) == timedelta(hours=shared_hours)


def test_a_night_shift_runs_across_midnight_into_the_next_morning() -> None:
    night = person("Europe/Berlin", working_hours=hours("22:00", "06:00", ["tue"]))

    free = free_intervals(night, utc(2026, 6, 1), utc(2026, 6, 8))

    assert free == [span(utc(2026, 6, 2, 20), utc(2026, 6, 3, 4))]  # Tue 22:00 - Wed 06:00 CEST


def test_a_night_shift_over_a_clock_change_is_an_hour_shorter_or_longer() -> None:
    night = person("Europe/Berlin", working_hours=hours("22:00", "06:00", ["sat"]))

    spring = free_intervals(night, utc(2026, 3, 28), utc(2026, 3, 30))
    autumn = free_intervals(night, utc(2026, 10, 24), utc(2026, 10, 26))

    assert [i.duration for i in spring] == [timedelta(hours=7)]
    assert [i.duration for i in autumn] == [timedelta(hours=9)]


def test_a_working_range_inside_the_skipped_hour_disappears() -> None:
    odd = person("America/New_York", working_hours=hours("02:00", "02:45", ["sun"]))

    assert free_intervals(odd, utc(2026, 3, 8), utc(2026, 3, 9)) == []
    assert free_intervals(odd, utc(2026, 3, 15), utc(2026, 3, 16)) == [
        span(utc(2026, 3, 15, 6), utc(2026, 3, 15, 6, 45))
    ]


def test_kathmandu_working_hours_start_at_a_quarter_past_the_utc_hour() -> None:
    kathmandu = person("Asia/Kathmandu")

    slot = earliest_slot([kathmandu], window(utc(2026, 5, 4), utc(2026, 5, 5)))

    assert slot == span(utc(2026, 5, 4, 3, 15), utc(2026, 5, 4, 4))  # 09:00 +05:45


def test_a_public_holiday_of_the_attendees_country_blocks_their_whole_local_day() -> None:
    us = person("America/New_York", country="US")
    german = person("Europe/Berlin", country="DE")
    thanksgiving = (utc(2026, 11, 26), utc(2026, 11, 27))

    assert free_intervals(us, *thanksgiving) == []
    assert free_intervals(german, *thanksgiving) == [
        span(utc(2026, 11, 26, 8), utc(2026, 11, 26, 16))
    ]


def test_a_holiday_blocks_the_part_of_a_night_shift_that_falls_on_it() -> None:
    night = person("America/New_York", country="US", working_hours=hours("22:00", "06:00", ["wed"]))

    free = free_intervals(night, utc(2026, 11, 25), utc(2026, 11, 28))

    # Wednesday 22:00 EST until Thanksgiving begins at midnight.
    assert free == [span(utc(2026, 11, 26, 3), utc(2026, 11, 26, 5))]


def test_busy_blocks_are_cut_out_of_working_hours() -> None:
    busy = [
        span(utc(2026, 5, 4, 10), utc(2026, 5, 4, 11, 30)),
        span(utc(2026, 5, 4, 16), utc(2026, 5, 4, 20)),
    ]
    someone = person("UTC", busy=busy)

    assert free_intervals(someone, utc(2026, 5, 4), utc(2026, 5, 5)) == [
        span(utc(2026, 5, 4, 9), utc(2026, 5, 4, 10)),
        span(utc(2026, 5, 4, 11, 30), utc(2026, 5, 4, 16)),
    ]


def test_free_time_is_clipped_to_the_range_asked_for() -> None:
    free = free_intervals(person("UTC"), utc(2026, 5, 4, 10, 7), utc(2026, 5, 4, 12))
    assert free == [Interval(utc(2026, 5, 4, 10, 7), utc(2026, 5, 4, 12))]
    assert free_intervals(person("UTC"), utc(2026, 5, 4, 12), utc(2026, 5, 4, 12)) == []


def test_a_whole_day_range_covers_twenty_four_hours() -> None:
    always = Attendee(
        "user:9", "UTC", None, parse_working_hours({d: [["00:00", "24:00"]] for d in WEEKDAYS})
    )

    assert free_intervals(always, utc(2026, 5, 4), utc(2026, 5, 11)) == [
        span(utc(2026, 5, 4), utc(2026, 5, 11))
    ]


def test_a_shift_ending_inside_the_repeated_hour_runs_until_its_second_occurrence() -> None:
    night = person("America/New_York", working_hours=hours("22:00", "01:30", ["sat"]))

    free = free_intervals(night, utc(2026, 10, 31), utc(2026, 11, 2))

    # Saturday 22:00 EDT until the second 01:30, on EST: four and a half hours.
    assert free == [span(utc(2026, 11, 1, 2), utc(2026, 11, 1, 6, 30))]

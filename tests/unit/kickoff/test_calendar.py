from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kickoff.calendar import (
    BusinessCalendar,
    Window,
    is_public_holiday,
    kickoff_window,
    known_country,
    local_to_utc,
    public_holiday_name,
)
from kickoff.slots import earliest_slot

from .builders import company, person, utc

NEW_YORK = ZoneInfo("America/New_York")


def closed(year: int, month: int, day: int, hour: int, tz: str = "America/New_York") -> datetime:
    return datetime(year, month, day, hour, tzinfo=ZoneInfo(tz))


# --- business days ---------------------------------------------------------------------------


def test_weekends_and_public_holidays_are_not_business_days() -> None:
    cal = company("US")
    assert cal.is_business_day(date(2026, 11, 25))  # Wednesday
    assert not cal.is_business_day(date(2026, 11, 26))  # Thanksgiving
    assert not cal.is_business_day(date(2026, 11, 28))  # Saturday
    assert cal.holiday_name(date(2026, 11, 26)) == "Thanksgiving Day"


def test_adding_business_days_steps_over_weekends_and_holidays() -> None:
    cal = company("US")
    assert cal.add_business_days(date(2026, 11, 25), 1) == date(2026, 11, 27)
    assert cal.add_business_days(date(2026, 11, 25), 2) == date(2026, 11, 30)
    assert cal.subtract_business_days(date(2026, 11, 30), 2) == date(2026, 11, 25)


def test_adding_zero_business_days_returns_the_day_itself_even_on_a_weekend() -> None:
    assert company().add_business_days(date(2026, 3, 7), 0) == date(2026, 3, 7)


def test_a_negative_number_of_business_days_is_refused() -> None:
    with pytest.raises(ValueError):
        company().add_business_days(date(2026, 3, 2), -1)


def test_a_calendar_without_a_country_has_no_holidays() -> None:
    assert BusinessCalendar(country="", timezone="UTC").is_business_day(date(2026, 12, 25))


def test_holidays_belong_to_the_country_asked_about() -> None:
    assert is_public_holiday("DE", date(2026, 10, 3))
    assert not is_public_holiday("US", date(2026, 10, 3))
    assert public_holiday_name("us", date(2026, 7, 3)) == "Independence Day (observed)"


def test_an_unknown_country_or_time_zone_is_refused() -> None:
    assert known_country("US")
    assert not known_country("XX")
    with pytest.raises(ValueError):
        is_public_holiday("XX", date(2026, 1, 1))
    with pytest.raises(ValueError):
        BusinessCalendar(country="XX")
    with pytest.raises(ValueError):
        BusinessCalendar(timezone="Mars/Olympus_Mons")


# --- local wall-clock time -------------------------------------------------------------------


def test_a_local_time_skipped_by_spring_forward_becomes_the_moment_the_clock_jumps() -> None:
    assert local_to_utc(datetime(2026, 3, 8, 2, 30), NEW_YORK) == utc(2026, 3, 8, 7)


def test_a_repeated_local_time_is_its_first_occurrence_or_for_an_end_its_last() -> None:
    repeated = datetime(2026, 11, 1, 1, 30)
    assert local_to_utc(repeated, NEW_YORK) == utc(2026, 11, 1, 5, 30)
    assert local_to_utc(repeated, NEW_YORK, end=True) == utc(2026, 11, 1, 6, 30)


def test_a_range_ending_where_the_repeated_hour_begins_ends_at_its_first_occurrence() -> None:
    assert local_to_utc(datetime(2026, 11, 1, 1, 0), NEW_YORK, end=True) == utc(2026, 11, 1, 5)


# --- the kickoff window ----------------------------------------------------------------------


def test_a_deal_closed_on_friday_evening_can_kick_off_from_monday_at_the_same_clock_time() -> None:
    friday_5pm = closed(2026, 6, 12, 17)
    window = kickoff_window(friday_5pm, date(2026, 6, 24), friday_5pm, company())

    assert window.earliest == closed(2026, 6, 15, 17)


def test_the_earliest_start_skips_a_holiday() -> None:
    wednesday_before_thanksgiving = closed(2026, 11, 25, 10)
    window = kickoff_window(
        wednesday_before_thanksgiving,
        date(2026, 12, 9),
        wednesday_before_thanksgiving,
        company(),
    )

    assert window.earliest == closed(2026, 11, 27, 10)


def test_the_earliest_start_keeps_the_local_clock_time_across_a_clock_change() -> None:
    friday_before_us_dst = closed(2026, 3, 6, 17)  # 22:00 UTC, EST
    window = kickoff_window(
        friday_before_us_dst, date(2026, 3, 25), friday_before_us_dst, company()
    )

    assert window.earliest == utc(2026, 3, 9, 21)  # Monday 17:00 EDT


def test_an_earliest_start_that_does_not_exist_locally_moves_forward_to_the_clock_jump() -> None:
    # Israel moves its clocks on a Friday, a business day of a Monday-to-Friday calendar.
    cal = BusinessCalendar(country="US", timezone="Asia/Jerusalem")
    thursday = closed(2026, 3, 26, 2, tz="Asia/Jerusalem") + timedelta(minutes=30)
    window = kickoff_window(thursday, date(2026, 4, 15), thursday, cal)

    assert window.earliest == utc(2026, 3, 27, 0)  # 03:00 IDT, the first existing time


def test_the_earliest_start_is_never_before_now() -> None:
    friday_5pm = closed(2026, 6, 12, 17)
    now = closed(2026, 6, 16, 9)
    window = kickoff_window(friday_5pm, date(2026, 6, 24), now, company())

    assert window.earliest == now


def test_a_wednesday_shipment_means_the_kickoff_must_end_by_monday_midnight_company_time() -> None:
    window = kickoff_window(
        closed(2026, 6, 1, 9), date(2026, 6, 17), closed(2026, 6, 1, 9), company()
    )

    assert window.deadline == closed(2026, 6, 16, 0)  # Monday 24:00 EDT
    assert window.deadline == utc(2026, 6, 16, 4)


def test_the_deadline_is_counted_in_business_days_around_a_holiday() -> None:
    monday_after_thanksgiving = date(2026, 11, 30)
    window = kickoff_window(
        closed(2026, 11, 2, 9), monday_after_thanksgiving, closed(2026, 11, 2, 9), company()
    )

    assert window.deadline == closed(2026, 11, 26, 0)  # end of Wednesday the 25th


def test_the_deadline_is_midnight_in_the_company_zone_not_in_utc() -> None:
    berlin = BusinessCalendar(country="DE", timezone="Europe/Berlin")
    window = kickoff_window(utc(2026, 3, 2, 9), date(2026, 3, 11), utc(2026, 3, 2, 9), berlin)

    assert window.deadline == utc(2026, 3, 9, 23)  # Monday 24:00 CET


def test_a_window_whose_deadline_is_not_after_its_earliest_start_has_no_slot() -> None:
    friday_5pm = closed(2026, 6, 12, 17)
    window = kickoff_window(friday_5pm, date(2026, 6, 16), friday_5pm, company())

    assert window.is_empty
    assert window.as_interval() is None
    assert earliest_slot([person("America/New_York")], window) is None


def test_window_bounds_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError):
        Window(earliest=datetime(2026, 1, 1), deadline=utc(2026, 1, 2))

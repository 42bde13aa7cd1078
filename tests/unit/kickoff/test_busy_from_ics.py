from __future__ import annotations

from datetime import timedelta

import pytest

from kickoff.availability import busy_from_ics
from kickoff.errors import AvailabilityInvalid

from .builders import span, utc


def ics(*lines: str, header: tuple[str, ...] = ()) -> bytes:
    body = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//EN",
        *header,
        *lines,
        "END:VCALENDAR",
    ]
    return ("\r\n".join(body) + "\r\n").encode()


def event(*props: str) -> tuple[str, ...]:
    return ("BEGIN:VEVENT", *props, "END:VEVENT")


WINDOWS_BERLIN = (
    "BEGIN:VTIMEZONE",
    "TZID:W. Europe Standard Time",
    "BEGIN:STANDARD",
    "DTSTART:16010101T030000",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:16010101T020000",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
)


def test_an_event_in_utc_becomes_a_busy_block_labelled_with_its_summary() -> None:
    data = ics(
        *event(
            "UID:1", "SUMMARY:Board meeting", "DTSTART:20260310T090000Z", "DTEND:20260310T103000Z"
        )
    )

    assert busy_from_ics(data) == [
        (span(utc(2026, 3, 10, 9), utc(2026, 3, 10, 10, 30)), "Board meeting")
    ]


def test_an_event_with_a_tzid_is_read_in_that_zone() -> None:
    data = ics(*event("UID:1", "DTSTART;TZID=America/New_York:20260310T090000", "DURATION:PT45M"))

    assert busy_from_ics(data) == [(span(utc(2026, 3, 10, 13), utc(2026, 3, 10, 13, 45)), "busy")]


def test_an_outlook_time_zone_defined_in_the_file_is_honoured() -> None:
    data = ics(
        *WINDOWS_BERLIN,
        *event(
            "UID:1",
            "DTSTART;TZID=W. Europe Standard Time:20260330T090000",
            "DTEND;TZID=W. Europe Standard Time:20260330T100000",
        ),
    )

    assert busy_from_ics(data)[0][0] == span(utc(2026, 3, 30, 7), utc(2026, 3, 30, 8))


def test_an_all_day_event_blocks_the_whole_local_day() -> None:
    data = ics(
        *event(
            "UID:1", "SUMMARY:Offsite", "DTSTART;VALUE=DATE:20260312", "DTEND;VALUE=DATE:20260314"
        )
    )

    assert busy_from_ics(data, timezone="Asia/Tokyo") == [
        (span(utc(2026, 3, 11, 15), utc(2026, 3, 13, 15)), "Offsite")
    ]


def test_all_day_and_floating_times_use_the_calendars_declared_zone_else_utc() -> None:
    lines = event("UID:1", "DTSTART;VALUE=DATE:20260312")
    floating = event("UID:2", "DTSTART:20260313T090000", "DTEND:20260313T100000")

    assert [b for b, _ in busy_from_ics(ics(*lines, *floating))] == [
        span(utc(2026, 3, 12), utc(2026, 3, 13)),
        span(utc(2026, 3, 13, 9), utc(2026, 3, 13, 10)),
    ]
    declared = ics(*lines, *floating, header=("X-WR-TIMEZONE:Europe/Berlin",))
    assert [b for b, _ in busy_from_ics(declared)] == [
        span(utc(2026, 3, 11, 23), utc(2026, 3, 12, 23)),
        span(utc(2026, 3, 13, 8), utc(2026, 3, 13, 9)),
    ]


def test_transparent_and_cancelled_events_do_not_make_anyone_busy() -> None:
    data = ics(
        *event("UID:1", "TRANSP:TRANSPARENT", "DTSTART:20260310T090000Z", "DTEND:20260310T100000Z"),
        *event("UID:2", "STATUS:CANCELLED", "DTSTART:20260311T090000Z", "DTEND:20260311T100000Z"),
        *event("UID:3", "DTSTART:20260312T090000Z"),
    )

    assert busy_from_ics(data) == []


def test_free_busy_periods_are_busy_unless_marked_free() -> None:
    data = ics(
        "BEGIN:VFREEBUSY",
        "DTSTART:20260310T000000Z",
        "DTEND:20260320T000000Z",
        "FREEBUSY;FBTYPE=BUSY:20260310T090000Z/20260310T100000Z,20260311T090000Z/PT30M",
        "FREEBUSY;FBTYPE=FREE:20260312T090000Z/20260312T100000Z",
        "FREEBUSY:20260313T090000Z/20260313T091500Z",
        "END:VFREEBUSY",
    )

    assert busy_from_ics(data) == [
        (span(utc(2026, 3, 10, 9), utc(2026, 3, 10, 10)), "busy"),
        (span(utc(2026, 3, 11, 9), utc(2026, 3, 11, 9, 30)), "busy"),
        (span(utc(2026, 3, 13, 9), utc(2026, 3, 13, 9, 15)), "busy"),
    ]


def test_a_weekly_meeting_keeps_its_local_time_across_the_clock_change_and_skips_exdates() -> None:
    data = ics(
        *event(
            "UID:standup",
            "SUMMARY:Standup",
            "DTSTART;TZID=Europe/Berlin:20260316T090000",
            "DTEND;TZID=Europe/Berlin:20260316T091500",
            "RRULE:FREQ=WEEKLY;UNTIL=20260407T000000Z",
            "EXDATE;TZID=Europe/Berlin:20260323T090000",
        )
    )

    assert [b.start for b, _ in busy_from_ics(data)] == [
        utc(2026, 3, 16, 8),  # CET
        utc(2026, 3, 30, 7),  # CEST, still 09:00 local
        utc(2026, 4, 6, 7),
    ]


def test_a_moved_occurrence_replaces_the_one_it_overrides() -> None:
    data = ics(
        *event(
            "UID:weekly",
            "DTSTART:20260302T150000Z",
            "DTEND:20260302T160000Z",
            "RRULE:FREQ=WEEKLY;COUNT=3",
        ),
        *event(
            "UID:weekly",
            "RECURRENCE-ID:20260309T150000Z",
            "DTSTART:20260310T170000Z",
            "DTEND:20260310T180000Z",
        ),
    )

    assert [b.start for b, _ in busy_from_ics(data)] == [
        utc(2026, 3, 2, 15),
        utc(2026, 3, 10, 17),
        utc(2026, 3, 16, 15),
    ]


def test_recurrences_are_expanded_only_over_the_horizon_from_since() -> None:
    data = ics(
        *event(
            "UID:daily", "DTSTART:20200101T090000Z", "DTEND:20200101T091500Z", "RRULE:FREQ=DAILY"
        )
    )

    blocks = busy_from_ics(data, since=utc(2026, 3, 1), horizon_days=7)

    assert [b.start for b, _ in blocks] == [
        utc(2026, 3, 1, 9) + timedelta(days=n) for n in range(7)
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"this is not a calendar",
        b"",
        b"\xff\xfe\x00\x01garbage",
        ics(*event("UID:1", "DTSTART:2026-03-10 nine o'clock", "DTEND:20260310T100000Z")),
    ],
)
def test_an_unreadable_file_is_reported_under_file(data: bytes) -> None:
    with pytest.raises(AvailabilityInvalid) as caught:
        busy_from_ics(data)

    assert list(caught.value.errors) == ["file"]

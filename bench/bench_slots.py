"""Time ``earliest_slot`` on a realistic worst case; prints its figures, asserts nothing.

Three required attendees in New York, Berlin and Kolkata share one hour a day (12:00-13:00 UTC
while the US is on summer time). The window is 30 business days of the company calendar and
runs over both the US and the European spring clock change. 2,000 busy blocks in all fill the
shared hour on every day but the last few, so the answer lies at the far end of the window.

Run from the repository root: ``.venv/bin/python bench/bench_slots.py``
"""

from __future__ import annotations

import random
import statistics
import sys
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kickoff.availability import Attendee, parse_working_hours  # noqa: E402
from kickoff.calendar import BusinessCalendar, kickoff_window  # noqa: E402
from kickoff.intervals import Interval  # noqa: E402
from kickoff.slots import earliest_slot  # noqa: E402

RUNS = 200
TARGET_MS = 5.0
BUSY_BLOCKS = 2_000
BUSINESS_DAYS = 30
FREE_DAYS_AT_THE_END = 2

PEOPLE = (
    ("user:sales", "America/New_York", "US", "08:00", "17:00"),
    ("user:am", "Europe/Berlin", "DE", "09:00", "18:00"),
    ("user:ops", "Asia/Kolkata", "IN", "09:30", "18:30"),
)


def build() -> tuple[list[Attendee], object]:
    rng = random.Random(20260302)
    company = BusinessCalendar(country="US", timezone="America/New_York")
    closed_at = datetime(2026, 2, 27, 17, tzinfo=ZoneInfo("America/New_York"))  # a Friday
    first_day = company.add_business_days(closed_at.date(), 1)
    # The deadline is the end of the day two business days before shipment, so shipping two
    # business days after the 30th business day gives a window of exactly 30 business days.
    last_day = company.add_business_days(first_day, BUSINESS_DAYS - 1)
    shipment = company.add_business_days(last_day, 2)
    window = kickoff_window(closed_at, shipment, closed_at, company)

    days: list[date] = []
    day = window.earliest.date()
    while day <= window.deadline.date():
        days.append(day)
        day += timedelta(days=1)

    busy: dict[str, list[Interval]] = {key: [] for key, *_ in PEOPLE}
    keys = [key for key, *_ in PEOPLE]
    # Block the hours all three share on every day but the last few, each day by someone else.
    for n, day in enumerate(days[: -FREE_DAYS_AT_THE_END - 2]):
        start = datetime.combine(day, time(11), tzinfo=UTC)
        busy[keys[n % 3]].append(Interval(start, start + timedelta(hours=3)))
    # Fill up to the total with ordinary meetings in each person's own working day.
    while sum(len(blocks) for blocks in busy.values()) < BUSY_BLOCKS:
        key, tz_name, _, opens, _ = rng.choice(PEOPLE)
        local = datetime.combine(rng.choice(days), time.fromisoformat(opens))
        local += timedelta(minutes=15 * rng.randrange(0, 36) + rng.choice((0, 5, 10)))
        start = local.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)
        busy[key].append(Interval(start, start + timedelta(minutes=rng.choice((15, 30, 45, 60, 90)))))

    attendees = [
        Attendee(
            key=key,
            timezone=tz_name,
            country=country,
            working_hours=parse_working_hours(
                {day: [[opens, closes]] for day in ("mon", "tue", "wed", "thu", "fri")}
            ),
            busy=tuple(busy[key]),
        )
        for key, tz_name, country, opens, closes in PEOPLE
    ]
    return attendees, window


def main() -> None:
    attendees, window = build()
    slot = earliest_slot(attendees, window)  # warms the holiday and time-zone caches
    timings = []
    for _ in range(RUNS):
        started = clock.perf_counter()
        earliest_slot(attendees, window)
        timings.append((clock.perf_counter() - started) * 1000)
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(0.95 * (len(timings) - 1))]

    print("earliest_slot: 3 required attendees (New York, Berlin, Kolkata)")
    print(f"  window      {window.earliest.isoformat()} .. {window.deadline.isoformat()}")  # type: ignore[attr-defined]
    print(f"  busy blocks {sum(len(a.busy) for a in attendees)}")
    print(f"  slot found  {slot.start.isoformat() if slot else None}")
    print(f"  runs        {RUNS}")
    print(f"  median      {median:.2f} ms")
    print(f"  p95         {p95:.2f} ms")
    print(f"  min / max   {timings[0]:.2f} / {timings[-1]:.2f} ms")
    print(f"  target      <= {TARGET_MS:.0f} ms (median {'met' if median <= TARGET_MS else 'MISSED'})")


if __name__ == "__main__":
    main()

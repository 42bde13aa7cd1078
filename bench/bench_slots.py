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

from kickoff.availability import Attendee, parse_working_hours
from kickoff.calendar import BusinessCalendar, Window, kickoff_window
from kickoff.intervals import Interval
from kickoff.slots import earliest_slot

RUNS = 200
TARGET_MS = 5.0
BUSY_BLOCKS = 2_000
BUSINESS_DAYS = 30

PEOPLE = (
    ("user:sales", "America/New_York", "US", "08:00", "17:00"),
    ("user:am", "Europe/Berlin", "DE", "09:00", "18:00"),
    ("user:ops", "Asia/Kolkata", "IN", "09:30", "18:30"),
)


def build() -> tuple[list[Attendee], Window, date]:
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
    # Block the hours all three share on every day but the last two business days, each day by
    # someone else.
    for n, day in enumerate(d for d in days if d < last_day - timedelta(days=1)):
        start = datetime.combine(day, time(11), tzinfo=UTC)
        busy[keys[n % 3]].append(Interval(start, start + timedelta(hours=3)))
    # Fill up to the total with ordinary meetings in each person's own working day, keeping
    # clear of the shared hours on the last two business days.
    kept_free = [
        Interval(start, start + timedelta(hours=3))
        for start in (
            datetime.combine(day, time(11), tzinfo=UTC)
            for day in (last_day - timedelta(days=1), last_day)
        )
    ]
    count = sum(len(blocks) for blocks in busy.values())
    while count < BUSY_BLOCKS:
        key, tz_name, _, opens, _ = rng.choice(PEOPLE)
        local = datetime.combine(rng.choice(days), time.fromisoformat(opens))
        local += timedelta(minutes=15 * rng.randrange(0, 36) + rng.choice((0, 5, 10)))
        start = local.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)
        block = Interval(start, start + timedelta(minutes=rng.choice((15, 20, 30, 45, 60))))
        if not any(block.overlaps(free) for free in kept_free):
            busy[key].append(block)
            count += 1

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
    return attendees, window, last_day


def _summary(timings: list[float]) -> tuple[float, float, float, float]:
    ordered = sorted(timings)
    p95 = ordered[round(0.95 * (len(ordered) - 1))]
    return statistics.median(ordered), p95, ordered[0], ordered[-1]


def main() -> None:
    attendees, window, last_day = build()
    slot = earliest_slot(attendees, window)  # also warms the holiday and time-zone caches
    wall_ms: list[float] = []
    cpu_ms: list[float] = []
    for _ in range(RUNS):
        wall_started = clock.perf_counter()
        cpu_started = clock.process_time()
        earliest_slot(attendees, window)
        cpu_ms.append((clock.process_time() - cpu_started) * 1000)
        wall_ms.append((clock.perf_counter() - wall_started) * 1000)

    print("earliest_slot: 3 required attendees (New York, Berlin, Kolkata)")
    print(f"  window       {window.earliest.isoformat()} .. {window.deadline.isoformat()}")
    print(f"               {BUSINESS_DAYS} business days, the last one {last_day.isoformat()}")
    print(f"  busy blocks  {sum(len(a.busy) for a in attendees)}")
    print(f"  slot found   {slot.start.isoformat() if slot else None}")
    print(f"  runs         {RUNS}")
    # Wall-clock time includes waiting for a CPU on a busy machine; CPU time does not.
    for name, timings in (("wall clock", wall_ms), ("CPU time", cpu_ms)):
        median, p95, low, high = _summary(timings)
        verdict = "met" if median <= TARGET_MS else "MISSED"
        print(
            f"  {name:<11}  median {median:.2f} ms  p95 {p95:.2f} ms  "
            f"min {low:.2f} ms  max {high:.2f} ms  (target <= {TARGET_MS:.0f} ms: {verdict})"
        )


if __name__ == "__main__":
    main()

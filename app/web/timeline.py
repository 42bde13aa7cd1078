"""The kickoff timeline as a picture: one lane per deal, the kickoff and the first shipment
placed on a shared time axis. Plain coordinates here; the template draws the SVG."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from app.services.kickoff_board import BoardItem

WIDTH, LANE, LEFT, TOP = 1000, 34, 230, 40
# The picture shows half a year; a first shipment later than that sits at the right edge,
# marked as later, so one far-off date cannot stretch everyone's weeks to nothing.
HORIZON = timedelta(weeks=26)
MOST_TICKS = 13


@dataclass(frozen=True)
class Lane:
    y: int
    label: str
    href_deal_id: int
    kickoff_x: float | None
    shipment_x: float
    deadline_x: float
    status: str
    at_risk: bool
    shipment_later: bool


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


def layout(items: list[BoardItem], today: date, zone: Any) -> dict[str, Any]:
    """Lanes and week ticks from the reader's today until the last first shipment (at least
    four weeks, at most the horizon); days are placed at noon in the reader's zone."""
    def at(day: date) -> datetime:
        return datetime.combine(day, time(12), tzinfo=zone)

    last = today + HORIZON
    end = min(last, max([today + timedelta(days=28)] + [i.first_shipment + timedelta(days=2)
                                                         for i in items]))
    start = at(today) - timedelta(hours=12)
    span = (at(end) - start).total_seconds()

    def x(moment: datetime) -> float:
        clamped = min(max(moment, start), at(end))
        return round(LEFT + (WIDTH - LEFT - 20) * (clamped - start).total_seconds() / span, 1)

    lanes = [Lane(TOP + n * LANE, f"{i.deal.account.name}: {i.deal.title}"[:34], i.deal.id,
                  x(i.start) if i.start else None, x(at(i.first_shipment)),
                  x(i.kickoff.deadline), i.kickoff.status, i.at_risk,
                  shipment_later=i.first_shipment > end)
             for n, i in enumerate(items)]
    monday = today - timedelta(days=today.weekday())
    weeks = (end - monday).days // 7 + 1
    step = -(-weeks // MOST_TICKS)  # whole weeks between ticks, so at most MOST_TICKS of them
    mondays = [monday + timedelta(weeks=w) for w in range(0, weeks, step)]
    ticks = [Tick(x(at(day)), day.strftime("%d %b")) for day in mondays if day >= today]
    return {"lanes": lanes, "ticks": ticks, "width": WIDTH, "left": LEFT,
            "height": TOP + max(len(lanes), 1) * LANE + 10, "today_x": x(at(today)),
            "zone": zone}

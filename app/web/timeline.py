"""The kickoff timeline as a picture: one lane per deal, the kickoff and the first shipment
placed on a shared time axis. Plain coordinates here; the template draws the SVG."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from app.services.kickoff_board import BoardItem

WIDTH, LANE, LEFT, TOP = 1000, 34, 230, 40


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


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def layout(items: list[BoardItem], today: date, zone: Any) -> dict[str, Any]:
    """Lanes and week ticks from today until the last first shipment (at least four weeks)."""
    end = max([today + timedelta(days=28)] + [i.first_shipment + timedelta(days=2)
                                               for i in items])
    start = _at(today) - timedelta(hours=12)
    span = (_at(end) - start).total_seconds()

    def x(moment: datetime) -> float:
        clamped = min(max(moment, start), _at(end))
        return round(LEFT + (WIDTH - LEFT - 20) * (clamped - start).total_seconds() / span, 1)

    lanes = [Lane(TOP + n * LANE, f"{i.deal.account.name}: {i.deal.title}"[:34], i.deal.id,
                  x(i.start) if i.start else None, x(_at(i.first_shipment)),
                  x(i.kickoff.deadline), i.kickoff.status, i.at_risk)
             for n, i in enumerate(items)]
    monday = today - timedelta(days=today.weekday())
    mondays = [monday + timedelta(weeks=w) for w in range((end - monday).days // 7 + 1)]
    ticks = [Tick(x(_at(day)), day.strftime("%d %b")) for day in mondays if day >= today]
    return {"lanes": lanes, "ticks": ticks, "width": WIDTH, "left": LEFT,
            "height": TOP + max(len(lanes), 1) * LANE + 10, "today_x": x(_at(today)),
            "zone": zone}

"""A stacked bar chart as plain coordinates (one bar a week, one colour a series); the
template draws it as SVG, so the page needs no script to show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 12, 34
MOST_SERIES = 6  # more colours than this cannot be told apart; the rest are "Other"
OTHER = "Other"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Series:
    index: int
    name: str
    total: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    plot_bottom: float
    bars: list[Bar]
    x_labels: list[Label]
    y_labels: list[Label]
    legend: list[Series]
    weeks: list[date]
    rows: list[tuple[str, list[int]]]

    @property
    def empty(self) -> bool:
        return not self.bars


def _folded(series: dict[str, list[int]]) -> list[tuple[str, list[int]]]:
    """The biggest series by name, the rest summed into one."""
    items = [(name, counts) for name, counts in series.items() if sum(counts)]
    if len(items) <= MOST_SERIES:
        return items
    kept, rest = items[:MOST_SERIES - 1], items[MOST_SERIES - 1:]
    summed = [sum(column) for column in zip(*(counts for _, counts in rest), strict=True)]
    return [*kept, (OTHER, summed)]


def _ceiling(value: int) -> int:
    """A round top for the axis: 1, 2, 5, 10, 20, 50 …"""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def stacked_weeks(weeks: list[date], series: dict[str, list[int]]) -> Chart:
    """One bar per week, each series stacked in the order given (the biggest first)."""
    rows = _folded(series)
    totals = [sum(column) for column in zip(*(c for _, c in rows), strict=True)] if rows \
        else [0] * len(weeks)
    top = _ceiling(max([*totals, 1]))
    plot_height = HEIGHT - TOP - BOTTOM
    band = (WIDTH - LEFT - RIGHT) / max(len(weeks), 1)
    bars = []
    for w, week in enumerate(weeks):
        y = float(TOP + plot_height)
        for s, (name, counts) in enumerate(rows):
            if not counts[w]:
                continue
            height = plot_height * counts[w] / top
            y -= height
            bars.append(Bar(round(LEFT + band * w + band * 0.15, 1), round(y, 1),
                            round(band * 0.7, 1), round(height, 1), s,
                            f"{name}, week of {week.strftime('%d %b')}: {counts[w]}"))
    every = 1 if len(weeks) <= 13 else -(-len(weeks) // 13)
    x_labels = [Label(round(LEFT + band * (w + 0.5), 1), HEIGHT - BOTTOM + 16,
                      week.strftime("%d %b")) for w, week in enumerate(weeks) if w % every == 0]
    y_labels = [Label(LEFT - 6, round(TOP + plot_height * (1 - v / top), 1) + 4, str(v))
                for v in sorted({0, top // 2, top})]
    legend = [Series(s, name, sum(counts)) for s, (name, counts) in enumerate(rows)]
    return Chart(WIDTH, HEIGHT, LEFT, TOP + plot_height, bars, x_labels, y_labels, legend,
                 weeks, rows)

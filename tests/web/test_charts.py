"""The stacked bar chart's layout: bars as tall as their counts, stacked in series order, and
no more series than can be told apart."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.web.charts import MOST_SERIES, OTHER, stacked_weeks

WEEKS = [date(2026, 11, 2) + timedelta(weeks=w) for w in range(3)]


def test_bars_stack_from_the_axis_up_with_heights_in_proportion() -> None:
    chart = stacked_weeks(WEEKS, {"Price": [2, 0, 1], "Payment": [2, 1, 0]})
    first_week = [b for b in chart.bars if b.x == chart.bars[0].x]
    price, payment = first_week
    assert price.y + price.height == pytest.approx(chart.plot_bottom, abs=0.1)
    assert payment.y + payment.height == pytest.approx(price.y, abs=0.1)
    assert price.height == payment.height
    assert len(chart.bars) == 4  # no bar for a zero
    assert [label.text for label in chart.y_labels] == ["0", "2", "5"]  # 4 rounds up to 5


def test_series_beyond_the_palette_are_summed_as_other() -> None:
    series = {f"Code {n}": [n, 0, 0] for n in range(10, 0, -1)}
    chart = stacked_weeks(WEEKS, series)
    names = [s.name for s in chart.legend]
    assert len(names) == MOST_SERIES
    assert names[-1] == OTHER
    assert chart.legend[-1].total == sum(range(1, 10 - MOST_SERIES + 2))


def test_nothing_to_count_draws_nothing() -> None:
    chart = stacked_weeks(WEEKS, {"Price": [0, 0, 0]})
    assert chart.empty
    assert chart.legend == []

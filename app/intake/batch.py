"""Batch intake: JSON Lines and CSV files of orders, read as streams in constant memory.

Each reader yields one :class:`BatchItem` per order, in file order, as soon as the order is
complete, so a file of any length is checked with the memory of one order. A part of the file
that cannot be read (invalid UTF-8, invalid JSON, a cell that is not a number) becomes an item
with errors and the reading goes on; only a file whose structure is unusable (a CSV header with
unknown or missing columns) raises :class:`IntakeError`, before the first item.

JSON Lines: one order object per line, exactly the JSON of ``POST /api/v1/orders/check``. Blank
lines are skipped; the index of an item is its line number.

CSV: one row per order line, with a header row naming the columns (any order, any case):
``deal_id, account_ref, po_number, order_date, requested_ship_date, promised_delivery_date,
currency, payment_net_days, incoterm_code, incoterm_place, shipping_method, shipping_carrier,
shipping_freight, partial_shipment, sku, quantity, unit_price``. The columns ``po_number,
order_date, requested_ship_date, currency, sku, quantity, unit_price`` and one of ``deal_id`` /
``account_ref`` are required, the others optional. Consecutive rows with the same ``deal_id``,
``account_ref`` and ``po_number`` are one order, its lines in row order; the rows of an order
must be consecutive (that is what keeps memory constant: the same PO further down the file is
read as another order, and checking it again makes a new check of the same PO). The header
fields of an order come from its first row; a later row may leave them empty or repeat them, and
a later row that states a different value is an error of the order rather than being ignored.
An empty cell is an absent field. ``deal_id``, ``quantity`` and ``payment_net_days`` must be
whole numbers (``"120.0"`` is refused, as JSON ``120.0`` is), ``partial_shipment`` is
true/false (also yes/no, 1/0); ``unit_price`` and every other cell stay strings for the domain to
validate. The index of an item is the order's position in the file (1 for the first order) and
messages name the CSV line numbers.

Errors are keyed as in the order shape (``deal_id``, ``lines.2.quantity``), with ``"line"``
(JSON Lines) or ``"row"`` (CSV) for a line or row that cannot be read at all. An item has either
an order or errors, never both.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from app.intake.errors import UNPROCESSABLE, UNSUPPORTED_MEDIA_TYPE, IntakeError

# Longest line read (a JSON Lines order, a CSV line): far above any real order (5,000 lines of
# an order in JSON are about 600 kB); a longer line is skipped as an error, unread.
MAX_LINE_BYTES = 2 * 1024 * 1024
# Most rows of one CSV order kept: the domain refuses orders of more lines anyway.
MAX_ROWS_PER_ORDER = 5000
_SKIP_CHUNK = 64 * 1024
_UTF8_BOM = b"\xef\xbb\xbf"
SHOWN_TEXT = 40

COLUMNS = (
    "deal_id",
    "account_ref",
    "po_number",
    "order_date",
    "requested_ship_date",
    "promised_delivery_date",
    "currency",
    "payment_net_days",
    "incoterm_code",
    "incoterm_place",
    "shipping_method",
    "shipping_carrier",
    "shipping_freight",
    "partial_shipment",
    "sku",
    "quantity",
    "unit_price",
)
REQUIRED_COLUMNS = (
    "po_number",
    "order_date",
    "requested_ship_date",
    "currency",
    "sku",
    "quantity",
    "unit_price",
)
LINE_COLUMNS = ("sku", "quantity", "unit_price")
HEADER_COLUMNS = tuple(column for column in COLUMNS if column not in LINE_COLUMNS)
KEY_COLUMNS = ("deal_id", "account_ref", "po_number")
_LINE_COLUMN_SET = frozenset(LINE_COLUMNS)
_TEXT_FIELDS = (
    "account_ref",
    "po_number",
    "order_date",
    "requested_ship_date",
    "promised_delivery_date",
    "currency",
)
_TRUE = frozenset(("true", "yes", "y", "1"))
_FALSE = frozenset(("false", "no", "n", "0"))
_INT = re.compile(r"[+-]?[0-9]{1,18}")
_SURROGATE = re.compile("[\udc80-\udcff]")

_EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonlines": "jsonl",
    ".csv": "csv",
    ".xml": "ubl",
    ".ubl": "ubl",
}
_CONTENT_TYPES = {
    "application/jsonl": "jsonl",
    "application/jsonlines": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/json-lines": "jsonl",
    "application/x-ndjson": "jsonl",
    "application/ndjson": "jsonl",
    "text/csv": "csv",
    "application/csv": "csv",
    "text/comma-separated-values": "csv",
    "application/xml": "ubl",
    "text/xml": "ubl",
}


@dataclass(frozen=True)
class BatchItem:
    """One order of a batch: ``order`` (the raw order dict) or ``errors``, never both.

    ``index`` is 1-based: the line number in JSON Lines, the order's position in CSV.
    """

    index: int
    order: dict[str, Any] | None
    errors: dict[str, list[str]]

    @property
    def ok(self) -> bool:
        return not self.errors


def _shown(text: str) -> str:
    return repr(text if len(text) <= SHOWN_TEXT else text[:SHOWN_TEXT] + "…")


def _lines(stream: IO[bytes]) -> Iterator[bytes | None]:
    """Each line of ``stream`` with its ending; None for a line longer than MAX_LINE_BYTES,
    whose bytes are skipped (read and dropped in chunks, never held)."""
    first = True
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if first and line.startswith(_UTF8_BOM):
            line = line[len(_UTF8_BOM) :]
        first = False
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:
                rest = stream.readline(_SKIP_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


# -- JSON Lines ---------------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


_JSON = json.JSONDecoder(parse_constant=_refuse_constant)


def read_jsonl(stream: IO[bytes]) -> Iterator[BatchItem]:
    """The orders of a JSON Lines file, one per non-blank line, streamed."""
    for number, line in enumerate(_lines(stream), 1):
        if line is None:
            yield _line_error(number, f"is longer than {MAX_LINE_BYTES} bytes")
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield _line_error(number, f"is not valid UTF-8 (byte {exc.start + 1} of the line)")
            continue
        if not text.strip():
            continue
        try:
            value = _JSON.decode(text)
        except json.JSONDecodeError as exc:
            yield _line_error(number, f"is not valid JSON: {exc.msg} (column {exc.colno})")
            continue
        except (ValueError, RecursionError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            yield _line_error(number, f"is not valid JSON: {reason}")
            continue
        if not isinstance(value, dict):
            yield _line_error(number, "must be a JSON object: one order per line")
            continue
        yield BatchItem(number, value, {})


def _line_error(number: int, message: str) -> BatchItem:
    return BatchItem(number, None, {"line": [f"Line {number} {message}."]})


# -- CSV ------------------------------------------------------------------------------------


class _CsvSource:
    """The lines of a CSV stream as text for :mod:`csv`, remembering the last bad line.

    Bytes are decoded with ``surrogateescape`` so invalid UTF-8 survives as lone surrogates and
    is reported for the row that holds it, instead of stopping the whole file. Only the number
    of the last cut line and of the last line with invalid UTF-8 are kept (rows are read in
    order), so memory stays constant however many bad lines a file has.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._lines = _lines(stream)
        self.count = 0
        self.last_cut = 0
        self.last_bad_utf8 = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        if line is None:
            self.last_cut = self.count
            return "\n"
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            self.last_bad_utf8 = self.count
            return line.decode("utf-8", "surrogateescape")


def read_csv(stream: IO[bytes]) -> Iterator[BatchItem]:
    """The orders of a CSV file, streamed; the header is checked when this is called.

    Raises IntakeError (422) at once for an empty file or a header with unknown, duplicate or
    missing columns; every later problem is an item with errors.
    """
    source = _CsvSource(stream)
    reader = csv.reader(source, strict=False)
    columns = _read_header(reader, source)
    return _csv_items(reader, source, columns)


def _read_header(reader: Any, source: _CsvSource) -> tuple[str, ...]:
    """The column names of the first non-blank row, checked."""
    while True:
        first_line = source.count + 1
        try:
            row: list[str] = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problem = f"cannot be read as CSV: {exc}"
        else:
            if source.last_cut < first_line and not any(cell.strip() for cell in row):
                continue
            if source.last_cut >= first_line:
                problem = f"is longer than {MAX_LINE_BYTES} bytes"
            elif source.last_bad_utf8 >= first_line:
                problem = "is not valid UTF-8 text"
            else:
                columns = tuple(cell.strip().lower() for cell in row)
                _check_columns(columns)
                return columns
        message = f"The CSV header row (line {first_line}) {problem}."
        raise IntakeError(message, {"columns": [message]}, status=UNPROCESSABLE)
    message = "The CSV file is empty: expected a header row naming the columns."
    raise IntakeError(message, {"columns": [message]}, status=UNPROCESSABLE)


def _check_columns(columns: tuple[str, ...]) -> None:
    problems: list[str] = []
    unnamed = [str(position) for position, name in enumerate(columns, 1) if not name]
    unknown = [name for name in columns if name and name not in COLUMNS]
    duplicates = sorted({name for name in columns if name and columns.count(name) > 1})
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if unnamed:
        problems.append(f"columns without a name (position {', '.join(unnamed)})")
    if unknown:
        problems.append(f"unknown columns: {', '.join(_shown(name) for name in unknown)}")
    if duplicates:
        problems.append(f"columns given twice: {', '.join(duplicates)}")
    if missing:
        problems.append(f"missing columns: {', '.join(missing)}")
    if "deal_id" not in columns and "account_ref" not in columns:
        problems.append("missing column: deal_id or account_ref, to tie each order to a deal")
    if problems:
        allowed = f"The columns are: {', '.join(COLUMNS)}."
        message = f"The CSV header is not usable: {'; '.join(problems)}. {allowed}"
        raise IntakeError(message, {"columns": [*problems, allowed]}, status=UNPROCESSABLE)


def _csv_items(reader: Any, source: _CsvSource, columns: tuple[str, ...]) -> Iterator[BatchItem]:
    index = 0
    group: _CsvOrder | None = None
    while True:
        first_line = source.count + 1
        try:
            row: list[str] = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # The row cannot be split into cells, so its order is unknown: it fails the order
            # being read, which is safer than checking that order without one of its lines.
            if group is None:
                group = _CsvOrder(None, first_line)
            group.add_error("row", f"CSV line {first_line} cannot be read as CSV: {exc}")
            continue
        if source.last_cut >= first_line:
            # Nothing of a cut row is known, not even its order: it fails the order being read.
            if group is None:
                group = _CsvOrder(None, first_line)
            group.add_error("row", f"CSV line {first_line} is longer than {MAX_LINE_BYTES} bytes.")
            continue
        if not any(cell.strip() for cell in row):
            continue
        cells, problem = _cells(row, columns, source.last_bad_utf8 >= first_line)
        key = tuple(cells.get(column) for column in KEY_COLUMNS)
        if group is None or key != group.key:
            if group is not None:
                index += 1
                yield group.item(index)
            group = _CsvOrder(key, first_line)
        if problem is not None:
            group.add_error("row", f"CSV line {first_line} {problem}.")
            continue
        group.add_row(cells, first_line)
    if group is not None:
        index += 1
        yield group.item(index)


def _cells(
    row: list[str], columns: tuple[str, ...], bad_utf8: bool
) -> tuple[dict[str, str], str | None]:
    """The non-empty cells of a row by column, and what makes the row unreadable, if any.

    A short row is read as if its missing cells were empty; a long one would lose cells.
    """
    cells: dict[str, str] = {}
    for column, cell in zip(columns, row, strict=False):
        value = cell.strip()
        if value:
            cells[column] = value
    if len(row) > len(columns):
        return cells, f"has {len(row)} cells but the header names {len(columns)} columns"
    if bad_utf8:
        bad = [column for column, value in cells.items() if _SURROGATE.search(value)]
        for column in bad:
            cells[column] = (
                cells[column].encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            )
        where = f" (column {', '.join(bad)})" if bad else ""
        return cells, f"is not valid UTF-8{where}"
    return cells, None


@dataclass
class _CsvOrder:
    """The rows of one CSV order, read so far."""

    key: tuple[str | None, ...] | None
    first_line: int
    header: dict[str, str] = field(default_factory=dict)
    lines: list[dict[str, Any]] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    rows: int = 0

    def add_error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def add_row(self, cells: dict[str, str], line: int) -> None:
        self.rows += 1
        if self.rows == 1:
            self.header = {column: cells[column] for column in HEADER_COLUMNS if column in cells}
        else:
            self._compare_header(cells, line)
        if self.rows > MAX_ROWS_PER_ORDER:
            if self.rows == MAX_ROWS_PER_ORDER + 1:
                self.add_error("lines", f"has more than {MAX_ROWS_PER_ORDER} lines (rows)")
            return
        position = len(self.lines)
        order_line: dict[str, Any] = {}
        if "sku" in cells:
            order_line["sku"] = cells["sku"]
        if "quantity" in cells:
            quantity = self._int(cells["quantity"], f"lines.{position}.quantity", "quantity", line)
            if quantity is not None:
                order_line["quantity"] = quantity
        if "unit_price" in cells:
            order_line["unit_price"] = cells["unit_price"]
        self.lines.append(order_line)

    def _compare_header(self, cells: dict[str, str], line: int) -> None:
        for column, value in cells.items():
            if column in _LINE_COLUMN_SET or value == self.header.get(column):
                continue
            first = self.header.get(column)
            said = f"says {_shown(first)}" if first is not None else "leaves it empty"
            self.add_error(
                column,
                f"CSV line {line} gives {column} {_shown(value)} but the order's first row "
                f"(line {self.first_line}) {said}; the rows of one order must agree on it "
                "or leave it empty",
            )

    def _int(self, text: str, key: str, column: str, line: int) -> int | None:
        if _INT.fullmatch(text):
            return int(text)
        self.add_error(key, f"CSV line {line}: {column} must be a whole number, not {_shown(text)}")
        return None

    def item(self, index: int) -> BatchItem:
        order = self._order()
        if self.errors:
            return BatchItem(index, None, self.errors)
        return BatchItem(index, order, {})

    def _order(self) -> dict[str, Any]:
        """The order in the JSON shape of the API, from the first row and the lines."""
        header, line = self.header, self.first_line
        order: dict[str, Any] = {}
        if "deal_id" in header:
            deal_id = self._int(header["deal_id"], "deal_id", "deal_id", line)
            if deal_id is not None:
                order["deal_id"] = deal_id
        for name in _TEXT_FIELDS:
            if name in header:
                order[name] = header[name]
        if "payment_net_days" in header:
            days = self._int(
                header["payment_net_days"], "payment_terms.net_days", "payment_net_days", line
            )
            if days is not None:
                order["payment_terms"] = {"net_days": days}
        incoterm = {
            key: header[column]
            for key, column in (("code", "incoterm_code"), ("place", "incoterm_place"))
            if column in header
        }
        if incoterm:
            order["incoterm"] = incoterm
        shipping = {
            key: header[f"shipping_{key}"]
            for key in ("method", "carrier", "freight")
            if f"shipping_{key}" in header
        }
        if shipping:
            order["shipping"] = shipping
        if "partial_shipment" in header:
            text = header["partial_shipment"].lower()
            if text in _TRUE or text in _FALSE:
                order["partial_shipment"] = text in _TRUE
            else:
                self.add_error(
                    "partial_shipment",
                    f"CSV line {line}: partial_shipment must be true or false, not "
                    f"{_shown(header['partial_shipment'])}",
                )
        order["lines"] = self.lines
        return order


# -- format -----------------------------------------------------------------------------------


def detect_format(filename: str | None, content_type: str | None, head: bytes) -> str:
    """``"jsonl"``, ``"csv"`` or ``"ubl"`` for an upload.

    The file name's extension decides first (browsers send vague content types for CSV), then
    the content type, then the first bytes: ``<`` is XML, ``{`` a JSON object per line, a
    first line with a comma CSV. Raises IntakeError (415) when none of these tells.
    """
    if filename:
        suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
        if suffix in _EXTENSIONS:
            return _EXTENSIONS[suffix]
    if content_type:
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime in _CONTENT_TYPES:
            return _CONTENT_TYPES[mime]
        if mime.endswith("+xml"):
            return "ubl"
    text = _head_text(head).lstrip()
    if text.startswith("<"):
        return "ubl"
    if text.startswith("{"):
        return "jsonl"
    if "," in text.split("\n", 1)[0]:
        return "csv"
    message = (
        "The format of the upload cannot be told: send CSV (.csv), JSON Lines (.jsonl) "
        "or a UBL Order (.xml)."
    )
    raise IntakeError(message, {"document": [message]}, status=UNSUPPORTED_MEDIA_TYPE)


def _head_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "ignore")
    if head.startswith(_UTF8_BOM):
        head = head[len(_UTF8_BOM) :]
    return head.decode("utf-8", "ignore")

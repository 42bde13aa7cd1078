"""Batch files are read in constant memory: a file larger than the bound streams through."""

import itertools
import json
import tracemalloc
from collections.abc import Iterator

import pytest

from app.intake import read_csv, read_jsonl

from .streams import generated

pytestmark = pytest.mark.slow

PEAK_BOUND = 20 * 1024 * 1024
JSONL_ORDERS = 50_000
CSV_ORDERS = 28_000
LINES_PER_ORDER = 3
PLACE = "Port of Oakland, Berth 57, 1 Market Street, Oakland CA 94607, United States"
CARRIER = "Acme Freight Lines International Logistics Division, Terminal 4, Dock 12"
SKU = "WIDGET-{:03d}-STAINLESS-STEEL-LARGE-BRUSHED-FINISH"

# One order of JSON with room for its PO number, some 800 bytes: 50,000 lines make a file of
# about 37 MB, which would not fit under the bound if it were read whole. (The CSV file below
# comes to about 22 MB.)
JSONL_TEMPLATE = (
    json.dumps(
        {
            "deal_id": 12,
            "account_ref": "CRM-0042-ACME-TOOLS-NORTH-AMERICA",
            "po_number": "PO-%06d",
            "order_date": "2026-12-15",
            "requested_ship_date": "2026-12-18",
            "promised_delivery_date": "2026-12-22",
            "currency": "USD",
            "incoterm": {"code": "FOB", "place": PLACE},
            "shipping": {"method": "ground", "carrier": CARRIER, "freight": "prepaid"},
            "lines": [
                {"sku": SKU.format(sku), "quantity": 10 + sku, "unit_price": "9.00"}
                for sku in range(LINES_PER_ORDER)
            ],
        }
    )
    + "\n"
)
CSV_HEADER = (
    "deal_id,account_ref,po_number,order_date,requested_ship_date,currency,incoterm_code,"
    "incoterm_place,shipping_carrier,sku,quantity,unit_price\n"
)
CSV_TEMPLATE = "".join(
    f'12,CRM-0042-ACME-TOOLS,PO-%(po)06d,2026-12-15,2026-12-18,USD,FOB,"{PLACE}",'
    f'"{CARRIER}",{SKU.format(sku)},{10 + sku},9.00\n'
    for sku in range(LINES_PER_ORDER)
)


def in_chunks(texts: Iterator[str], per_chunk: int = 200) -> Iterator[bytes]:
    """The texts joined into chunks, as a network upload arrives."""
    chunk: list[str] = []
    for text in texts:
        chunk.append(text)
        if len(chunk) == per_chunk:
            yield "".join(chunk).encode()
            chunk = []
    if chunk:
        yield "".join(chunk).encode()


def measure(reader, chunks: Iterator[bytes]) -> tuple[int, int, int]:
    """(orders read, bytes read, peak traced memory) of reading ``chunks`` with ``reader``."""
    file, raw = generated(chunks)
    count = 0
    tracemalloc.start()
    try:
        for item in reader(file):
            assert item.ok, item.errors
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, raw.bytes_served, peak


def test_fifty_thousand_jsonl_orders_stream_through_a_small_memory_bound():
    texts = (JSONL_TEMPLATE % number for number in range(JSONL_ORDERS))

    count, size, peak = measure(read_jsonl, in_chunks(texts))

    assert count == JSONL_ORDERS
    assert size > 1.5 * PEAK_BOUND  # the file itself would not fit under the bound
    assert peak < PEAK_BOUND


def test_a_large_csv_file_streams_through_a_small_memory_bound():
    rows = (CSV_TEMPLATE % {"po": number} for number in range(CSV_ORDERS))

    count, size, peak = measure(read_csv, in_chunks(itertools.chain([CSV_HEADER], rows)))

    assert count == CSV_ORDERS
    assert size > PEAK_BOUND
    assert peak < PEAK_BOUND

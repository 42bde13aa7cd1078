"""Batch files are read in constant memory: a file far larger than the bound streams through."""

import json
import tracemalloc

from app.intake import read_csv, read_jsonl

from .streams import generated

ORDERS = 50_000
PEAK_BOUND = 20 * 1024 * 1024


def order_line(number: int) -> bytes:
    order = {
        "deal_id": 12,
        "po_number": f"PO-{number:06d}",
        "order_date": "2026-12-15",
        "requested_ship_date": "2026-12-18",
        "currency": "USD",
        "incoterm": {"code": "FOB", "place": "Oakland"},
        "lines": [
            {"sku": f"SKU-{sku:03d}", "quantity": 10 + sku, "unit_price": "9.00"} for sku in range(6)
        ],
    }
    return json.dumps(order).encode() + b"\n"


def measure(reader, chunks) -> tuple[int, int, int]:
    """(orders read, bytes read, peak traced memory) of reading ``chunks`` with ``reader``."""
    file, raw = generated(chunks)
    tracemalloc.start()
    try:
        count = 0
        for item in reader(file):
            assert item.ok, item.errors
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, raw.bytes_served, peak


def test_fifty_thousand_jsonl_orders_stream_through_a_small_memory_bound():
    count, size, peak = measure(read_jsonl, (order_line(n) for n in range(ORDERS)))

    assert count == ORDERS
    assert size > 1.5 * PEAK_BOUND  # the file itself would not fit under the bound
    assert peak < PEAK_BOUND


def test_fifty_thousand_csv_orders_stream_through_a_small_memory_bound():
    def rows():
        yield (
            b"deal_id,po_number,order_date,requested_ship_date,currency,incoterm_code,"
            b"incoterm_place,sku,quantity,unit_price\n"
        )
        for number in range(ORDERS):
            for sku in range(6):
                yield (
                    f"12,PO-{number:06d},2026-12-15,2026-12-18,USD,FOB,Oakland,"
                    f"SKU-{sku:03d},{10 + sku},9.00\n"
                ).encode()

    count, size, peak = measure(read_csv, rows())

    assert count == ORDERS
    assert size > 1.5 * PEAK_BOUND
    assert peak < PEAK_BOUND

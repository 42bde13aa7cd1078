"""Hostile input over HTTP: every attack gets a 4xx problem-details answer naming what is wrong,
never a 500, and nothing is stored.

Oversized bodies, JSON nested 100,000 deep, text that is not UTF-8 (in JSON, CSV and query
strings), NUL characters in a streamed batch, and a batch upload too large to hold in memory
streamed through the whole HTTP layer — the upload read row by row and the answer written order
by order. (Billion laughs and external entities in UBL are in test_ubl_and_batch_orders.py.)
"""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator

import pytest

from tests.api.builders import World, assert_problem, make_deal, stored_counts
from tests.unit.intake.streams import generated

ACCOUNTS = "/api/v1/accounts"
BATCH = "/api/v1/orders/check-batch"
CSV_HEADER = "deal_id,po_number,order_date,requested_ship_date,currency,sku,quantity,unit_price\n"


def send(world: World, path: str, data: bytes, content_type: str, role: str = "manager"):
    return world.callers[role].post(path, data=data, headers={"Content-Type": content_type})


# --- size -----------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_with_413_and_nothing_is_stored(world: World):
    limit = world.app.config["MAX_CONTENT_LENGTH"]
    body = b'{"name": "' + b"A" * limit + b'"}'
    before = stored_counts(world)

    response = send(world, ACCOUNTS, body, "application/json")

    assert_problem(response, 413)
    assert stored_counts(world) == before


def test_a_batch_upload_over_the_limit_is_refused_with_413(world: World):
    limit = world.app.config["MAX_CONTENT_LENGTH"]
    row = "1,PO-1,2026-12-01,2026-12-04,USD,A-100,10,9.00\n"
    body = (CSV_HEADER + row * (limit // len(row) + 10)).encode()
    before = stored_counts(world)

    response = send(world, BATCH, body, "text/csv")

    assert_problem(response, 413)
    assert stored_counts(world) == before


# --- deep JSON --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ACCOUNTS, "/api/v1/orders/check", "/api/v1/users",
                                  "/api/v1/products"])
@pytest.mark.parametrize("document", [b"[" * 100_000 + b"]" * 100_000,
                                      b'{"a":' * 100_000 + b"1" + b"}" * 100_000],
                         ids=["arrays", "objects"])
def test_json_nested_a_hundred_thousand_deep_is_refused_with_400(world: World, path: str,
                                                                 document: bytes):
    before = stored_counts(world)

    response = send(world, path, document, "application/json", role="admin")

    body = assert_problem(response, 400, "body")
    assert "deep" in body["errors"]["body"][0]
    assert stored_counts(world) == before


def test_json_just_within_the_depth_limit_is_read_as_usual(world: World):
    nested: object = "Initech"
    for _ in range(30):
        nested = [nested]
    response = world.sales.post(ACCOUNTS, {"name": "Initech", "external_ref": None,
                                           "extra": nested})

    # Read, then refused by the account's own schema for the unknown field — not by depth.
    assert_problem(response, 422, "extra")


# --- text that is not UTF-8 -------------------------------------------------------------------


def test_a_json_body_that_is_not_utf8_is_refused_with_400(world: World):
    before = stored_counts(world)

    response = send(world, ACCOUNTS, b'{"name": "Init\xff\xfech"}', "application/json",
                    role="sales")

    assert_problem(response, 400, "body")
    assert stored_counts(world) == before


def test_a_body_that_is_not_json_is_refused_with_400(world: World):
    response = send(world, ACCOUNTS, b'{"name": Initech}', "application/json", role="sales")

    assert_problem(response, 400, "body")


@pytest.mark.parametrize(("query", "field"), [("q=%FF%FE", "q"), ("page=1&q=Init%C3", "q"),
                                              ("%FF=1", "query")])
def test_a_query_string_that_is_not_utf8_is_refused_naming_the_parameter(world: World,
                                                                        query: str, field: str):
    response = world.sales.get(f"{ACCOUNTS}?{query}")

    assert_problem(response, 422, field)


def test_a_product_csv_that_is_not_utf8_is_refused_and_nothing_is_stored(world: World):
    csv = b"sku,name,category,list_price,currency\nA-1,Wid\xffget,widgets,1.00,USD\n"
    before = stored_counts(world)

    response = send(world, "/api/v1/products", csv, "text/csv", role="admin")

    assert_problem(response, 422, "file")
    assert stored_counts(world) == before


def test_a_batch_row_that_is_not_utf8_fails_only_its_own_order(world: World):
    deal = make_deal(world)
    csv = (CSV_HEADER.encode()
           + f"{deal['id']},PO-\xff1,2026-12-01,2026-12-04,USD,A-100,10,9.00\n".encode("latin-1")
           + f"{deal['id']},PO-2,2026-12-01,2026-12-04,USD,A-100,10,9.00\n".encode())

    response = send(world, BATCH, csv, "text/csv", role="fulfillment")

    assert response.status_code == 200, response.get_data(as_text=True)
    first, second = response.json["results"]
    assert first["status"] == "invalid" and "UTF-8" in json.dumps(first["errors"])
    assert second["po_number"] == "PO-2" and "order_id" in second


def test_a_nul_character_in_a_batch_row_fails_only_its_own_order(world: World):
    deal = make_deal(world)
    lines = [json.dumps({"deal_id": deal["id"], "po_number": "PO-\u00001",
                         "order_date": "2026-12-01", "requested_ship_date": "2026-12-04",
                         "currency": "USD",
                         "lines": [{"sku": "A-100", "quantity": 10, "unit_price": "9.00"}]}),
             json.dumps({"deal_id": deal["id"], "po_number": "PO-2",
                         "order_date": "2026-12-01", "requested_ship_date": "2026-12-04",
                         "currency": "USD",
                         "lines": [{"sku": "A-100", "quantity": 10, "unit_price": "9.00"}]})]

    response = send(world, BATCH, "\n".join(lines).encode(), "application/x-ndjson",
                    role="fulfillment")

    assert response.status_code == 200, response.get_data(as_text=True)
    first, second = response.json["results"]
    assert first == {"index": 1, "status": "invalid",
                     "errors": {"po_number": ["Must not contain NUL (\\u0000) characters."]}}
    assert second["po_number"] == "PO-2" and "order_id" in second


# --- a batch too large to hold, through the whole HTTP layer -----------------------------------

# Each row is an order of its own (its own PO) whose quantity cannot be read: the orders fail
# fast, so the test measures the reading and the answering, not the checking.
PLACE = "Port of Oakland, Berth 57, 1 Market Street, Oakland CA 94607, United States " * 2
ROW = "{deal},PO-{n:07d},2026-12-01,2026-12-04,USD,A-100,ten,9.00,\"" + PLACE + "\"\n"
BATCH_HEADER = CSV_HEADER.rstrip("\n") + ",incoterm_place\n"
UPLOAD_BYTES = 16 * 1024 * 1024
PEAK_BOUND = 4 * 1024 * 1024


def rows(deal_id: int, count: int) -> Iterator[bytes]:
    yield BATCH_HEADER.encode()
    chunk: list[str] = []
    for n in range(count):
        chunk.append(ROW.format(deal=deal_id, n=n))
        if len(chunk) == 200:
            yield "".join(chunk).encode()
            chunk = []
    yield "".join(chunk).encode()


class Sized(io.RawIOBase):
    """A generated upload that tells its length, as the test client asks of a body."""

    def __init__(self, reader: io.BufferedReader, size: int) -> None:
        self._reader, self._size, self._at = reader, size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        return self._reader.readinto(buffer)

    def tell(self) -> int:
        return self._at

    def seek(self, offset: int, whence: int = 0) -> int:
        self._at = self._size if whence == 2 else offset
        return self._at


@pytest.mark.slow
def test_a_batch_larger_than_the_memory_bound_streams_in_and_out(world: World):
    """The upload (16 MB) and the answer (several MB of results) both pass through a request
    whose peak memory stays under 4 MB: neither is ever held whole."""
    deal = make_deal(world)
    count = UPLOAD_BYTES // len(ROW.format(deal=deal["id"], n=0))
    size = sum(len(chunk) for chunk in rows(deal["id"], count))
    reader, raw = generated(rows(deal["id"], count))
    answered, tail = 0, b""
    tracemalloc.start()
    try:
        response = world.fulfillment.client.post(
            BATCH, input_stream=Sized(reader, size),
            headers={"Authorization": f"Bearer {world.fulfillment.token}",
                     "Content-Type": "text/csv"}, buffered=False)
        for chunk in response.response:
            answered += len(chunk)
            tail = (tail + chunk)[-400:]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 200
    assert raw.bytes_served > 2.5 * PEAK_BOUND
    assert answered > PEAK_BOUND
    summary = json.loads(tail[tail.rindex(b'"summary":') + len(b'"summary":'):-1])
    assert summary == {"orders": count, "by_status": {"invalid": count}, "by_code": {}}
    assert peak < PEAK_BOUND, f"peak {peak / 1e6:.1f} MB"

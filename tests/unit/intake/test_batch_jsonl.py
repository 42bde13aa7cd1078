"""JSON Lines batches: one order per line, bad lines reported and skipped over."""

import json

from app.intake import BatchItem, read_jsonl
from app.intake.batch import MAX_LINE_BYTES

from .streams import generated, stream

ORDER = {
    "deal_id": 12,
    "po_number": "PO-5521",
    "order_date": "2026-12-15",
    "requested_ship_date": "2026-12-18",
    "currency": "USD",
    "lines": [{"sku": "A-100", "quantity": 120, "unit_price": "9.00"}],
}


def jsonl(*orders: dict) -> str:
    return "".join(json.dumps(order) + "\n" for order in orders)


def items(data: bytes | str) -> list[BatchItem]:
    return list(read_jsonl(stream(data)))


def test_each_line_is_one_order_indexed_by_its_line_number():
    second = {**ORDER, "po_number": "PO-5522"}

    result = items(jsonl(ORDER, second))

    assert result == [BatchItem(1, ORDER, {}), BatchItem(2, second, {})]
    assert all(item.ok for item in result)


def test_the_order_is_passed_on_as_sent_for_the_domain_to_validate():
    odd = {"po_number": "PO-1", "lines": [{"sku": "A", "quantity": 1, "unit_price": 9.5}]}

    (item,) = items(jsonl(odd))

    assert item.order == odd
    assert isinstance(item.order["lines"][0]["unit_price"], float)


def test_blank_lines_are_skipped_but_still_counted():
    data = "\n" + json.dumps(ORDER) + "\n   \n\r\n" + json.dumps(ORDER) + "\n\n"

    assert [item.index for item in items(data)] == [2, 5]


def test_crlf_line_endings_and_a_missing_final_newline_are_fine():
    data = json.dumps(ORDER) + "\r\n" + json.dumps(ORDER)

    assert [item.order for item in items(data)] == [ORDER, ORDER]


def test_a_byte_order_mark_before_the_first_line_is_ignored():
    (item,) = items(b"\xef\xbb\xbf" + jsonl(ORDER).encode())

    assert item.order == ORDER


def test_a_bad_line_in_the_middle_does_not_stop_the_rest():
    data = jsonl(ORDER) + '{"po_number": "PO-2", \n' + jsonl(ORDER)

    result = items(data)

    assert [(item.index, item.ok) for item in result] == [(1, True), (2, False), (3, True)]
    assert result[1].order is None
    assert result[1].errors["line"][0].startswith("Line 2 is not valid JSON")


def test_invalid_utf8_is_an_error_of_that_line_only():
    data = jsonl(ORDER).encode() + b'{"po_number": "PO-\xff"}\n' + jsonl(ORDER).encode()

    result = items(data)

    assert [item.ok for item in result] == [True, False, True]
    assert result[1].errors == {"line": ["Line 2 is not valid UTF-8 (byte 19 of the line)."]}


def test_a_line_that_is_not_an_object_is_an_error():
    result = items('[{"po_number": "PO-1"}]\n"PO-1"\nnull\n')

    assert [item.errors["line"][0] for item in result] == [
        f"Line {n} must be a JSON object: one order per line." for n in (1, 2, 3)
    ]


def test_nan_and_infinity_are_not_json():
    result = items('{"po_number": NaN}\n{"po_number": -Infinity}\n')

    assert [item.ok for item in result] == [False, False]
    assert "NaN is not a JSON value" in result[0].errors["line"][0]


def test_absurdly_deep_nesting_is_an_error_not_a_crash():
    result = items("[" * 200_000 + "\n" + jsonl(ORDER))

    assert [item.ok for item in result] == [False, True]


def test_a_line_over_the_size_limit_is_skipped_unread_and_the_next_line_is_read():
    huge = b'{"po_number": "' + b"x" * (MAX_LINE_BYTES + 10) + b'"}\n'
    file, raw = generated([huge[i : i + 65536] for i in range(0, len(huge), 65536)] + [b"{}\n"])

    result = list(read_jsonl(file))

    assert [(item.index, item.ok) for item in result] == [(1, False), (2, True)]
    assert f"longer than {MAX_LINE_BYTES} bytes" in result[0].errors["line"][0]
    assert raw.bytes_served == len(huge) + 3


def test_items_are_produced_as_lines_are_read_not_after_the_whole_file():
    def lines():
        yield jsonl(ORDER).encode()
        raise AssertionError("the second line was read before the first order was handed out")

    file, _ = generated(lines())

    first = next(read_jsonl(file))

    assert first.order == ORDER


def test_an_empty_file_has_no_orders():
    assert items(b"") == []

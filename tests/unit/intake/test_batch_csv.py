"""CSV batches: one row per order line, consecutive rows of the same PO make one order."""

import pytest

from app.intake import BatchItem, IntakeError, read_csv
from app.intake.batch import COLUMNS

from .streams import generated, stream

HEADER = (
    "deal_id,po_number,order_date,requested_ship_date,currency,payment_net_days,"
    "incoterm_code,incoterm_place,shipping_method,shipping_freight,partial_shipment,"
    "sku,quantity,unit_price\n"
)


def items(text: str | bytes) -> list[BatchItem]:
    return list(read_csv(stream(text)))


def header_refusal(text: str | bytes) -> IntakeError:
    with pytest.raises(IntakeError) as caught:
        read_csv(stream(text))
    return caught.value


def test_an_order_spread_over_consecutive_rows_is_one_order_with_its_lines_in_order():
    text = HEADER + (
        "12,PO-5521,2026-12-15,2026-12-18,USD,45,FOB,Oakland,ground,prepaid,false,A-100,120,9.00\n"
        "12,PO-5521,,,,,,,,,,B-200,5,1.50\n"
        "12,PO-5521,2026-12-15,2026-12-18,USD,45,FOB,Oakland,ground,prepaid,false,A-100,3,9.00\n"
    )

    (item,) = items(text)

    assert item == BatchItem(
        1,
        {
            "deal_id": 12,
            "po_number": "PO-5521",
            "order_date": "2026-12-15",
            "requested_ship_date": "2026-12-18",
            "currency": "USD",
            "payment_terms": {"net_days": 45},
            "incoterm": {"code": "FOB", "place": "Oakland"},
            "shipping": {"method": "ground", "freight": "prepaid"},
            "partial_shipment": False,
            "lines": [
                {"sku": "A-100", "quantity": 120, "unit_price": "9.00"},
                {"sku": "B-200", "quantity": 5, "unit_price": "1.50"},
                {"sku": "A-100", "quantity": 3, "unit_price": "9.00"},
            ],
        },
        {},
    )


def test_orders_are_indexed_by_their_position_in_the_file():
    text = HEADER + (
        "12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n"
        "12,PO-1,,,,,,,,,,A-200,1,9.00\n"
        "12,PO-2,2026-12-15,2026-12-18,USD,,,,,,,A-100,2,9.00\n"
        "13,PO-2,2026-12-15,2026-12-18,USD,,,,,,,A-100,3,9.00\n"
    )

    result = items(text)

    assert [(item.index, item.order["deal_id"], item.order["po_number"]) for item in result] == [
        (1, 12, "PO-1"),
        (2, 12, "PO-2"),
        (3, 13, "PO-2"),
    ]
    assert [len(item.order["lines"]) for item in result] == [2, 1, 1]


def test_the_same_po_further_down_the_file_is_read_as_another_order():
    text = HEADER + (
        "12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n"
        "12,PO-2,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n"
        "12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-300,1,9.00\n"
    )

    assert [item.order["po_number"] for item in items(text)] == ["PO-1", "PO-2", "PO-1"]


def test_empty_cells_are_absent_fields_for_the_domain_to_report():
    text = "account_ref,po_number,order_date,requested_ship_date,currency,sku,quantity,unit_price\n"
    text += "CRM-0042,PO-1,2026-12-15,,USD,A-100,,\n"

    (item,) = items(text)

    assert item.order == {
        "account_ref": "CRM-0042",
        "po_number": "PO-1",
        "order_date": "2026-12-15",
        "currency": "USD",
        "lines": [{"sku": "A-100"}],
    }


def test_columns_may_come_in_any_order_and_case_with_a_byte_order_mark():
    text = "\ufeffSKU, Quantity ,unit_price,PO_Number,order_date,requested_ship_date,currency,"
    text += "deal_id\n"
    text += "A-100,2,9.00,PO-1,2026-12-15,2026-12-18,USD,12\n"

    (item,) = items(text)

    assert item.order["lines"] == [{"sku": "A-100", "quantity": 2, "unit_price": "9.00"}]
    assert item.order["deal_id"] == 12


def test_quoted_cells_may_hold_commas_and_newlines():
    text = HEADER.replace("shipping_method", "shipping_carrier") + (
        '12,PO-1,2026-12-15,2026-12-18,USD,,FCA,"Reno, NV","Acme\nFreight",,,A-100,1,9.00\n'
    )

    (item,) = items(text)

    assert item.order["incoterm"] == {"code": "FCA", "place": "Reno, NV"}
    assert item.order["shipping"] == {"carrier": "Acme\nFreight"}


def test_the_unit_price_stays_the_string_of_the_cell():
    (item,) = items(HEADER + "12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.000\n")

    assert item.order["lines"][0]["unit_price"] == "9.000"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("true", True), ("FALSE", False), ("yes", True), ("no", False), ("1", True), ("0", False)],
)
def test_partial_shipment_reads_common_spellings_of_true_and_false(cell, expected):
    (item,) = items(HEADER + f"12,PO-1,2026-12-15,2026-12-18,USD,,,,,,{cell},A-100,1,9.00\n")

    assert item.order["partial_shipment"] is expected


def test_a_bad_row_in_the_middle_does_not_stop_the_rest():
    text = HEADER + (
        "12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n"
        "12,PO-2,2026-12-15,2026-12-18,USD,,,,,,,A-100,1.5,9.00\n"
        "12,PO-3,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n"
    )

    result = items(text)

    assert [(item.index, item.ok) for item in result] == [(1, True), (2, False), (3, True)]
    assert result[1] == BatchItem(
        2, None, {"lines.0.quantity": ["CSV line 3: quantity must be a whole number, not '1.5'"]}
    )


def test_a_bad_row_fails_its_whole_order_so_no_order_is_checked_without_a_line():
    text = HEADER + (
        "12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n"
        "12,PO-1,,,,,,,,,,A-200,many,9.00\n"
        "12,PO-1,,,,,,,,,,A-300,1,9.00\n"
    )

    (item,) = items(text)

    assert item.order is None
    assert list(item.errors) == ["lines.1.quantity"]


@pytest.mark.parametrize(
    ("cells", "key"),
    [
        ("x12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00", "deal_id"),
        ("12,PO-1,2026-12-15,2026-12-18,USD,30d,,,,,,A-100,1,9.00", "payment_terms.net_days"),
        ("12,PO-1,2026-12-15,2026-12-18,USD,,,,,,maybe,A-100,1,9.00", "partial_shipment"),
    ],
)
def test_header_cells_that_cannot_be_read_are_errors_keyed_as_in_the_order_shape(cells, key):
    (item,) = items(HEADER + cells + "\n")

    assert list(item.errors) == [key]
    assert item.errors[key][0].startswith("CSV line 2:")


def test_invalid_utf8_is_an_error_of_that_row_and_its_order_only():
    text = (HEADER + "12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n").encode()
    text += b"12,PO-2,2026-12-15,2026-12-18,USD,,,,,,,A-\xff100,1,9.00\n"
    text += b"12,PO-3,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n"

    result = items(text)

    assert [item.ok for item in result] == [True, False, True]
    assert result[1].errors == {"row": ["CSV line 3 is not valid UTF-8 (column sku)."]}


def test_a_row_with_more_cells_than_the_header_is_an_error():
    (item,) = items(HEADER + "12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00,extra\n")

    assert item.errors == {"row": ["CSV line 2 has 15 cells but the header names 14 columns."]}


def test_a_short_row_reads_its_missing_cells_as_empty():
    (item,) = items(
        "po_number,order_date,requested_ship_date,currency,sku,quantity,unit_price,"
        "account_ref\nPO-1,2026-12-15,2026-12-18,USD,A-100,1,9.00\n"
    )

    assert item.ok
    assert "account_ref" not in item.order


def test_a_later_row_that_contradicts_the_first_rows_header_fields_is_an_error():
    text = HEADER + (
        "12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n"
        "12,PO-1,2026-12-15,2026-12-18,EUR,,,,,,,A-200,1,9.00\n"
    )

    (item,) = items(text)

    assert item.errors == {
        "currency": [
            "CSV line 3 gives currency 'EUR' but the order's first row (line 2) says 'USD'; "
            "the rows of one order must agree on it or leave it empty"
        ]
    }


def test_blank_rows_are_skipped_and_do_not_split_an_order():
    text = HEADER + (
        "\n12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n"
        ",,,,,,,,,,,,,\n"
        "12,PO-1,,,,,,,,,,A-200,1,9.00\n\n"
    )

    (item,) = items(text)

    assert [line["sku"] for line in item.order["lines"]] == ["A-100", "A-200"]


def test_a_header_only_file_has_no_orders():
    assert items(HEADER) == []


def test_unknown_columns_are_refused_for_the_whole_file_before_any_order():
    error = header_refusal(HEADER.replace("currency", "currency,discount,notes"))

    assert error.status == 422
    assert error.errors["columns"][0] == "unknown columns: 'discount', 'notes'"


def test_missing_required_columns_are_refused_for_the_whole_file():
    error = header_refusal("deal_id,po_number,sku\n12,PO-1,A-100\n")

    assert error.status == 422
    assert error.errors["columns"][0] == (
        "missing columns: order_date, requested_ship_date, currency, quantity, unit_price"
    )


def test_a_file_without_deal_id_or_account_ref_is_refused():
    error = header_refusal(HEADER.replace("deal_id,", ""))

    assert error.errors["columns"][0].startswith("missing column: deal_id or account_ref")


def test_a_column_given_twice_is_refused():
    error = header_refusal(HEADER.replace("sku,", "sku,SKU,"))

    assert "columns given twice: sku" in error.errors["columns"]


def test_the_header_error_lists_the_known_columns():
    error = header_refusal("po,sku\n")

    assert error.errors["columns"][-1] == f"The columns are: {', '.join(COLUMNS)}."


def test_an_empty_file_is_refused():
    assert header_refusal(b"").status == 422
    assert header_refusal(b"\n\n").status == 422


def test_the_header_is_checked_when_the_reader_is_made_not_when_it_is_first_used():
    def chunks():
        yield HEADER.encode()
        raise AssertionError("a row was read to check the header")

    file, _ = generated(chunks())

    read_csv(file)


def test_the_callers_stream_is_not_closed():
    data = stream(HEADER + "12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n")

    list(read_csv(data))

    assert not data.closed


def test_a_cell_too_large_for_csv_fails_its_order_and_reading_goes_on():
    text = HEADER + (
        "12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n"
        f"12,PO-1,,,,,,,,,,{'A' * 200_000},1,9.00\n"
        "12,PO-2,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n"
    )

    result = items(text)

    assert [item.ok for item in result] == [False, True]
    assert result[0].errors["row"][0].startswith("CSV line 3 cannot be read as CSV")


def test_a_line_over_the_size_limit_is_skipped_and_fails_its_order():
    from app.intake.batch import MAX_LINE_BYTES

    huge = b"12,PO-1,,,,,,,,,,A-100,1," + b"9" * MAX_LINE_BYTES + b"\n"
    file, _ = generated(
        [
            (HEADER + "12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n").encode(),
            huge,
            b"12,PO-2,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n",
        ]
    )

    result = list(read_csv(file))

    assert [item.ok for item in result] == [False, True]
    assert result[0].errors == {"row": [f"CSV line 3 is longer than {MAX_LINE_BYTES} bytes."]}


def test_an_order_of_more_rows_than_the_domain_allows_is_an_error_without_keeping_them():
    from app.intake.batch import MAX_ROWS_PER_ORDER

    row = "12,PO-1,2026-12-15,2026-12-18,USD,,,,,,,A-100,1,9.00\n"
    text = HEADER + row * (MAX_ROWS_PER_ORDER + 3) + row.replace("PO-1", "PO-2")

    result = items(text)

    assert [item.ok for item in result] == [False, True]
    assert result[0].errors == {"lines": [f"has more than {MAX_ROWS_PER_ORDER} lines (rows)"]}


def test_a_header_that_is_not_utf8_is_refused_for_the_whole_file():
    error = header_refusal(b"po_number,sk\xffu\nPO-1,A-100\n")

    assert error.status == 422
    assert error.errors == {"columns": ["The CSV header row (line 1) is not valid UTF-8 text."]}

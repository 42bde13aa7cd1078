"""Reading an order from the JSON of the API: every problem named at once."""

import copy
import pickle
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from terms.order import (
    Order,
    OrderInvalid,
    OrderLine,
    order_to_json,
    parse_order,
    plain_line,
    read_line,
)

from .builders import line, raw_order


def problems(raw) -> dict[str, list[str]]:
    with pytest.raises(OrderInvalid) as caught:
        parse_order(raw)
    return caught.value.errors


FULL = {
    "deal_id": 12,
    "po_number": "PO-5521",
    "order_date": "2026-12-15",
    "requested_ship_date": "2026-12-18",
    "promised_delivery_date": "2026-12-22",
    "currency": "usd",
    "payment_terms": {"net_days": 45, "early_discount_percent": "2", "early_discount_days": 10},
    "incoterm": {"code": "fob", "place": "Oakland"},
    "shipping": {"method": "ground", "freight": "Prepaid"},
    "partial_shipment": False,
    "lines": [{"sku": "A-100", "quantity": 120, "unit_price": "9.00"}],
}


def test_the_example_order_of_the_specification_is_read():
    parsed = parse_order(FULL)

    assert parsed.po_number == "PO-5521"
    assert (parsed.order_date, parsed.requested_ship_date, parsed.promised_delivery_date) == (
        date(2026, 12, 15),
        date(2026, 12, 18),
        date(2026, 12, 22),
    )
    assert parsed.currency == "USD"
    assert parsed.lines == (OrderLine("A-100", 120, Decimal("9.00")),)
    assert dict(parsed.payment_terms or {}) == {
        "net_days": 45,
        "early_discount_percent": Decimal("2"),
        "early_discount_days": 10,
    }
    assert dict(parsed.incoterm or {}) == {"code": "FOB", "place": "Oakland"}
    assert dict(parsed.shipping or {}) == {"method": "ground", "freight": "prepaid"}
    assert (parsed.partial_shipment, parsed.deal_id, parsed.account_ref) == (False, 12, None)


def test_an_order_written_as_json_reads_back_the_same():
    parsed = parse_order(FULL)

    assert parse_order(order_to_json(parsed)) == parsed
    assert order_to_json(parsed)["lines"] == [
        {"sku": "A-100", "quantity": 120, "unit_price": "9.00"}
    ]


def test_a_minimal_order_leaves_the_optional_fields_out_of_its_json():
    parsed = parse_order(raw_order(deal_id=None, account_ref="CRM-0042"))

    assert set(order_to_json(parsed)) == {
        "account_ref",
        "po_number",
        "order_date",
        "requested_ship_date",
        "currency",
        "lines",
    }


def test_a_unit_price_given_as_a_json_number_is_refused_by_line():
    assert problems(raw_order(line(), {"sku": "B-1", "quantity": 1, "unit_price": 9.5})) == {
        "lines.1.unit_price": ['must be a decimal string such as "12.50", not a number']
    }


def test_every_problem_is_named_at_once():
    raw = {
        "po_number": "",
        "order_date": "15/12/2026",
        "requested_ship_date": "2026-02-30",
        "currency": "Dollars",
        "lines": [],
        "customer": "Acme",
    }

    assert problems(raw) == {
        "customer": [
            "is not a field of an order; expected: deal_id, account_ref, po_number, "
            "order_date, requested_ship_date, promised_delivery_date, currency, payment_terms, "
            "incoterm, shipping, partial_shipment, lines"
        ],
        "deal_id": ["give deal_id or account_ref to tie the order to a deal"],
        "po_number": ["must not be empty"],
        "order_date": ["must be a date in YYYY-MM-DD form"],
        "requested_ship_date": ["is not a valid date"],
        "currency": ['must be an ISO 4217 currency code such as "USD"'],
        "lines": ["must have at least one line"],
    }


def test_the_lines_are_checked_one_by_one():
    raw = raw_order(
        {"sku": "", "quantity": 0, "unit_price": "-1.00"},
        {"sku": "A-100", "quantity": 2.0, "unit_price": "abc", "colour": "red"},
        "A-100 x 3",
    )

    assert problems(raw) == {
        "lines.0.sku": ["must not be empty"],
        "lines.0.quantity": ["must be at least 1"],
        "lines.0.unit_price": ["must not be negative"],
        "lines.1.colour": ["is not a field of an order line; expected: sku, quantity, unit_price"],
        "lines.1.quantity": ["must be a whole number without a decimal point"],
        "lines.1.unit_price": ['must be a decimal string such as "12.50"'],
        "lines.2": ["must be an object with sku, quantity and unit_price"],
    }


def test_required_fields_are_named():
    assert problems({"deal_id": 1}) == {
        "po_number": ["is required"],
        "order_date": ["is required"],
        "requested_ship_date": ["is required"],
        "currency": ["is required"],
        "lines": ["is required"],
    }


def test_an_order_cannot_ship_before_it_is_placed_nor_arrive_before_it_ships():
    raw = raw_order(requested_ship_date="2026-12-14", promised_delivery_date="2026-12-13")

    assert problems(raw) == {
        "requested_ship_date": ["must be on or after order_date (2026-12-15)"],
        "promised_delivery_date": ["must be on or after requested_ship_date (2026-12-14)"],
    }


def test_a_po_number_is_at_most_100_characters():
    assert problems(raw_order(po_number="P" * 101)) == {
        "po_number": ["must be at most 100 characters"]
    }


def test_a_deal_id_is_a_positive_whole_number():
    assert problems(raw_order(deal_id="12")) == {"deal_id": ["must be a whole number"]}
    assert problems(raw_order(deal_id=True)) == {
        "deal_id": ["must be a whole number, not true or false"]
    }


def test_an_account_ref_alone_ties_the_order_to_a_deal():
    assert parse_order(raw_order(deal_id=None, account_ref=" CRM-0042 ")).account_ref == "CRM-0042"


def test_header_objects_are_checked_field_by_field():
    raw = raw_order(
        payment_terms={"net_days": -1, "early_discount_percent": 2},
        incoterm={"code": "F0B!"},
        shipping={"freight": "free", "speed": "fast"},
        partial_shipment="no",
    )

    assert problems(raw) == {
        "payment_terms.net_days": ["must be at least 0"],
        "payment_terms.early_discount_percent": [
            'must be a decimal string such as "7.5", not a number'
        ],
        "payment_terms.early_discount_days": ["is required with early_discount_percent"],
        "incoterm.code": ["must be a delivery terms code such as FOB (letters only)"],
        "shipping.speed": ["is not a field of shipping; expected: method, carrier, freight"],
        "shipping.freight": ["must be one of: prepaid, collect"],
        "partial_shipment": ["must be true or false"],
    }


def test_header_objects_must_be_objects_and_shipping_must_say_something():
    assert problems(raw_order(incoterm="FOB Oakland", shipping={})) == {
        "incoterm": ["must be an object"],
        "shipping": ["give at least one of method, carrier, freight"],
    }


def test_an_order_must_be_an_object():
    assert problems(["PO-1"]) == {
        "": ["must be an object with po_number, dates, currency and lines"]
    }


def test_problems_can_be_put_under_a_prefix_for_a_batch():
    with pytest.raises(OrderInvalid) as caught:
        parse_order(raw_order(po_number=""))

    assert caught.value.prefixed(3).errors == {"3.po_number": ["must not be empty"]}
    assert "po_number: must not be empty" in str(caught.value)


def test_an_order_is_immutable_and_hashable():
    parsed = parse_order(FULL)

    with pytest.raises(TypeError):
        parsed.incoterm["code"] = "EXW"  # type: ignore[index]
    assert hash(parsed) == hash(parse_order(FULL))
    assert copy.deepcopy(parsed) == parsed
    assert pickle.loads(pickle.dumps(parsed)) == parsed


def test_an_order_built_in_code_freezes_its_header_objects():
    built = Order(
        po_number="PO-1",
        order_date=date(2026, 12, 15),
        requested_ship_date=date(2026, 12, 15),
        currency="USD",
        lines=[OrderLine("A-100", 1, Decimal("9.00"))],  # type: ignore[arg-type]
        incoterm={"code": "FOB", "place": "Oakland"},
    )

    assert isinstance(built.lines, tuple)
    with pytest.raises(TypeError):
        built.incoterm.clear()  # type: ignore[union-attr]


def test_an_order_may_state_delivery_terms_outside_incoterms_2020_without_a_place():
    order = parse_order(raw_order(incoterm={"code": "fot"}))

    assert order.incoterm == {"code": "FOT", "place": ""}


# --- the quick reading of a plain line ------------------------------------------------------

_prices = st.one_of(
    st.from_regex(r"\A[ +-]?[0-9]{1,17}(\.[0-9]{0,6})?[ \n]?\Z"),
    st.sampled_from(["9.00", "0", "-0", "+9.00", "1e3", "NaN", "", " ", "٣.00", "9.", ".5"]),
    st.integers(), st.floats(allow_nan=True), st.none())
_skus = st.one_of(st.text(max_size=70), st.sampled_from(["A-100", " A-100", "A-100\n", ""]),
                  st.integers())
_quantities = st.one_of(st.integers(min_value=-5, max_value=10**20), st.booleans(),
                        st.floats(), st.text(max_size=3))


@settings(max_examples=400, deadline=None)
@example(sku="A-100", quantity=120, price="9.00", extra=None)
@example(sku="A-100", quantity=1, price="000000000000000009.5", extra=None)
@given(sku=_skus, quantity=_quantities, price=_prices,
       extra=st.sampled_from([None, "note", "sku"]))
def test_a_plain_line_is_read_quickly_exactly_as_with_every_rule(sku, quantity, price, extra):
    raw = {"sku": sku, "quantity": quantity, "unit_price": price}
    if extra == "note":
        raw["note"] = "x"
    elif extra == "sku":
        del raw["sku"]
    errors: dict[str, list[str]] = {}

    careful = read_line(raw, errors)
    quick = plain_line(raw)

    if quick is not None:  # when it reads a line, it reads what every rule would
        assert quick == careful and not errors
        assert quick.unit_price.as_tuple() == careful.unit_price.as_tuple()


def test_the_lines_clients_send_are_read_quickly_and_anything_else_with_every_rule():
    assert plain_line({"sku": "A-100", "quantity": 120, "unit_price": "9.00"}) is not None
    assert plain_line({"sku": "A-100", "quantity": 3, "unit_price": "9.50"}).unit_price \
        .as_tuple().exponent == -2
    assert plain_line({"sku": "A-100", "quantity": 3, "unit_price": "9.50"}).unit_price \
        .as_tuple().exponent == -2
    assert plain_line({"sku": "A-100", "quantity": 3, "unit_price": "-9.50"}) is None
    assert plain_line({"sku": " A-100", "quantity": 3, "unit_price": "9.50"}) is None
    assert plain_line({"sku": "A-100", "quantity": True, "unit_price": "9.50"}) is None

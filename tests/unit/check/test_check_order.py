"""A whole order against a whole version: order of deviations, severities, compiling once."""

import subprocess
import sys
from datetime import date

import pytest

from terms.check import cap_usage_of, check_and_count, check_order, compile_terms
from terms.deviations import order_status

from .builders import ORDER_DATE, check, codes, context, line, order, term, tiers

EVERY_KIND = [
    *tiers(),
    term("discount", 60, percent="10", category="gadgets"),
    term("payment_terms", 31, net_days=45),
    term("incoterm", 41, code="FOB", place="Oakland"),
    term("shipping", 42, method="ground", freight="prepaid"),
    term("lead_time", 45, max_business_days=10),
    term("quantity_limits", 63, multiple_of=10),
    term(
        "volume_cap",
        53,
        sku="A-100",
        max_quantity=1000,
        period_start="2026-11-01",
        period_end="2027-06-30",
    ),
    term("currency", 49, code="USD"),
    term("partial_shipments", 47, allowed=False),
    term("option", 71, name="extended_warranty", sku="WARR-EXT", decision="decline"),
    term("clause", 81, text="Customer logo on every carton", review_on_order=True),
]

HONEST = {
    "promised_delivery_date": "2026-12-22",
    "payment_terms": {"net_days": 45},
    "incoterm": {"code": "FOB", "place": "Oakland"},
    "shipping": {"method": "ground", "freight": "prepaid"},
    "partial_shipment": False,
}


def test_an_order_honouring_every_kind_of_term_only_asks_for_the_manual_review():
    honest = order(line(quantity=120), line("C-300", 10, "7.20"), **HONEST)

    found = check(honest, EVERY_KIND)

    assert codes(found) == ["MANUAL_REVIEW"]
    assert order_status(found) == "clear"


def test_deviations_come_line_by_line_then_header_then_deal():
    dishonest = order(
        line("WARR-EXT", 1, "50.00"),
        line(quantity=125, price="10.00"),
        line("C-300", 10, "8.00"),
        promised_delivery_date="2027-01-30",
        payment_terms={"net_days": 60},
        incoterm={"code": "EXW", "place": "Reno"},
        shipping={"method": "air"},
        partial_shipment=True,
    )

    found = check(dishonest, EVERY_KIND, kickoff_held=False, cap_usage={53: _used(900)})

    assert [(item.line, item.code) for item in found] == [
        (0, "QUANTITY_NOT_MULTIPLE"),
        (0, "DECLINED_OPTION_ORDERED"),
        (1, "PRICE_ABOVE_AGREED"),
        (1, "QUANTITY_NOT_MULTIPLE"),
        (2, "DISCOUNT_NOT_APPLIED"),
        (None, "PAYMENT_TERMS_MISMATCH"),
        (None, "INCOTERM_MISMATCH"),
        (None, "SHIPPING_MISMATCH"),
        (None, "LEAD_TIME_EXCEEDED"),
        (None, "PARTIAL_SHIPMENT_NOT_ALLOWED"),
        (None, "CAP_EXCEEDED"),
        (None, "MANUAL_REVIEW"),
        (None, "KICKOFF_NOT_HELD"),
    ]
    assert order_status(found) == "blocked"


def test_the_currency_comes_first_of_the_header():
    found = check(order(currency="EUR", payment_terms={"net_days": 60}), EVERY_KIND)

    assert codes(found) == ["CURRENCY_MISMATCH", "PAYMENT_TERMS_MISMATCH", "MANUAL_REVIEW"]


def test_configured_severities_apply_to_every_deviation():
    severities = {"PRICE_ABOVE_AGREED": "warn", "MANUAL_REVIEW": "block"}

    found = check(order(line(quantity=120, price="10.00")), EVERY_KIND, severities=severities)

    assert [(item.code, item.severity) for item in found] == [
        ("PRICE_ABOVE_AGREED", "warn"),
        ("MANUAL_REVIEW", "block"),
    ]


def test_compiled_terms_serve_many_orders_and_give_the_same_answer_each_time():
    compiled = compile_terms(EVERY_KIND, ORDER_DATE)
    ctx = context()
    orders = [order(line(quantity=q, price="9.00"), po_number=f"PO-{q}") for q in (100, 110, 97)]

    first = [check_order(each, compiled, ctx) for each in orders]
    again = [check_order(each, compiled, ctx) for each in orders]

    assert first == again
    assert [codes(found) for found in first] == [
        ["MANUAL_REVIEW"],
        ["MANUAL_REVIEW"],
        ["PRICE_BELOW_AGREED", "QUANTITY_NOT_MULTIPLE", "MANUAL_REVIEW"],
    ]


def test_terms_compiled_for_one_date_refuse_an_order_of_another():
    compiled = compile_terms(EVERY_KIND, date(2026, 12, 1))

    with pytest.raises(ValueError, match="2026-12-01"):
        check_order(order(), compiled, context())


def test_compiled_terms_keep_the_version_and_those_in_force():
    expired = term("unit_price", 50, sku="A-100", price="11.00", valid_to="2026-11-30")

    compiled = compile_terms([expired, *tiers()], ORDER_DATE)

    assert [each.id for each in compiled.terms] == [50, 51, 52]
    assert [each.id for each in compiled.in_force] == [51, 52]


def test_an_empty_version_checks_against_the_catalog_alone():
    assert check(order(line("C-300", 3, "8.00"))) == []


@pytest.mark.parametrize(
    "first",
    ["terms.kinds.volume_cap", "terms.check", "terms.resolve", "terms.order", "terms.parse"],
)
def test_the_modules_import_in_any_order(first):
    script = (
        f"import {first}; import datetime, terms.check; "
        "terms.check.compile_terms([], datetime.date(2026, 12, 15))"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr


def _used(quantity):
    from terms.check import CapUsage

    return CapUsage(quantity=quantity)


def test_checking_and_counting_at_once_gives_what_each_gives_alone():
    compiled = compile_terms(EVERY_KIND, ORDER_DATE)
    ctx = context(cap_usage={53: _used(950)})
    the_order = order(line(quantity=120, price="10.00"), line("C-300", 10, "7.20"))

    found, counted = check_and_count(the_order, compiled, ctx)

    assert found == check_order(the_order, compiled, ctx)
    assert counted == cap_usage_of(the_order, compiled, ctx)
    assert codes(found) == ["PRICE_ABOVE_AGREED", "CAP_EXCEEDED", "MANUAL_REVIEW"]
    with pytest.raises(ValueError, match="cannot check an order of 2026-12-15"):
        check_and_count(the_order, compile_terms(EVERY_KIND, date(2026, 12, 16)), ctx)

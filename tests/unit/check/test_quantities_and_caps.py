"""Quantity limits per order, and volume caps over a period."""

from decimal import Decimal

from terms.check import CapUsage, cap_usage_of, compile_terms

from .builders import (
    AGREED,
    ORDER_DATE,
    check,
    codes,
    context,
    line,
    only,
    order,
    term,
    tiers,
    usage,
)

# quantity limits


def test_an_order_below_the_minimum_quantity_is_flagged():
    minimum = term("quantity_limits", 61, sku="C-300", min_per_order=10)

    found = only(check(order(line("C-300", 8, "8.00")), [minimum]))

    assert (found.code, found.severity, found.term_id, found.line, found.field) == (
        "QUANTITY_BELOW_MIN",
        "warn",
        61,
        0,
        "quantity",
    )
    assert (found.expected, found.actual) == ("at least 10", "8")
    assert found.message == (
        "The order holds 8 units of C-300, fewer than the agreed minimum of 10 per order "
        f"(term 61, {AGREED})."
    )


def test_an_order_at_the_minimum_quantity_is_clear():
    minimum = term("quantity_limits", 61, sku="C-300", min_per_order=10)

    assert check(order(line("C-300", 10, "8.00")), [minimum]) == []


def test_an_order_above_the_maximum_quantity_is_flagged():
    maximum = term("quantity_limits", 62, max_per_order=100)

    found = only(check(order(line("C-300", 101, "8.00")), [maximum]))

    assert (found.code, found.expected, found.actual) == (
        "QUANTITY_ABOVE_MAX",
        "at most 100",
        "101",
    )


def test_an_order_at_the_maximum_quantity_is_clear():
    maximum = term("quantity_limits", 62, max_per_order=100)

    assert check(order(line("C-300", 100, "8.00")), [maximum]) == []


def test_a_quantity_off_the_agreed_multiple_is_flagged():
    cartons = term("quantity_limits", 63, multiple_of=12)

    found = only(check(order(line("C-300", 30, "8.00")), [cartons]))

    assert (found.code, found.expected, found.actual) == (
        "QUANTITY_NOT_MULTIPLE",
        "a multiple of 12",
        "30",
    )


def test_a_quantity_on_the_agreed_multiple_is_clear():
    cartons = term("quantity_limits", 63, multiple_of=12)

    assert check(order(line("C-300", 36, "8.00")), [cartons]) == []


def test_quantity_limits_count_the_order_total_of_the_sku_on_its_first_line():
    cartons = term("quantity_limits", 63, sku="C-300", multiple_of=12)
    split = order(line("A-100", 120), line("C-300", 6, "8.00"), line("C-300", 6, "8.00"))

    assert check(split, [*tiers(), cartons]) == []
    uneven = order(line("A-100", 120), line("C-300", 6, "8.00"), line("C-300", 5, "8.00"))
    found = only(check(uneven, [*tiers(), cartons]))
    assert (found.code, found.line, found.actual) == ("QUANTITY_NOT_MULTIPLE", 1, "11")


def test_limits_without_a_sku_hold_for_each_product_apart():
    minimum = term("quantity_limits", 64, min_per_order=10)

    found = check(order(line("C-300", 10, "8.00"), line("B-200", 4, "20.00")), [minimum])

    assert [(item.code, item.line) for item in found] == [("QUANTITY_BELOW_MIN", 1)]


def test_a_limit_for_the_sku_replaces_the_same_limit_for_every_product_only():
    every = term("quantity_limits", 64, min_per_order=10, multiple_of=5)
    for_c = term("quantity_limits", 65, sku="C-300", min_per_order=2)

    assert check(order(line("C-300", 5, "8.00")), [every, for_c]) == []
    found = only(check(order(line("C-300", 3, "8.00")), [every, for_c]))
    assert (found.code, found.term_id) == ("QUANTITY_NOT_MULTIPLE", 64)


def test_one_quantity_may_break_several_limits():
    limits = term("quantity_limits", 66, min_per_order=10, multiple_of=4)

    assert codes(check(order(line("C-300", 6, "8.00")), [limits])) == [
        "QUANTITY_BELOW_MIN",
        "QUANTITY_NOT_MULTIPLE",
    ]


# volume caps

QUANTITY_CAP = term(
    "volume_cap",
    53,
    sku="A-100",
    max_quantity=1000,
    period_start="2026-11-01",
    period_end="2027-06-30",
)
AMOUNT_CAP = term(
    "volume_cap", 54, max_amount="5000.00", period_start="2026-11-01", period_end="2027-06-30"
)


def test_an_order_taking_the_quantity_past_the_cap_is_blocked():
    found = only(
        check(order(line(quantity=120)), [*tiers(), QUANTITY_CAP], cap_usage=usage(t53=900))
    )

    assert (found.code, found.severity, found.term_id, found.field) == (
        "CAP_EXCEEDED",
        "block",
        53,
        "quantity",
    )
    assert (found.expected, found.actual) == ("at most 1000", "1020")
    assert found.message == (
        "This order's 120 units of A-100 would bring the total to 1020, past the cap of 1000 "
        f"for 2026-11-01 to 2027-06-30 (term 53, {AGREED})."
    )


def test_an_order_reaching_the_cap_exactly_is_clear():
    assert (
        check(order(line(quantity=100)), [*tiers(), QUANTITY_CAP], cap_usage=usage(t53=900)) == []
    )


def test_a_quantity_cap_counts_split_lines_together():
    split = order(line(quantity=60), line(quantity=60))

    assert codes(check(split, [*tiers(), QUANTITY_CAP], cap_usage=usage(t53=890))) == [
        "CAP_EXCEEDED"
    ]
    assert check(split, [*tiers(), QUANTITY_CAP], cap_usage=usage(t53=880)) == []


def test_a_cap_for_one_sku_ignores_orders_of_other_products():
    assert check(order(line("C-300", 10, "8.00")), [QUANTITY_CAP], cap_usage=usage(t53=5000)) == []


def test_an_order_dated_outside_the_cap_period_is_not_counted():
    before = order(line(quantity=120), order_date="2026-10-30", requested_ship_date="2026-12-18")

    assert check(before, [*tiers(), QUANTITY_CAP], cap_usage=usage(t53=999)) == []


def test_an_amount_cap_counts_at_the_agreed_price_not_the_charged_one():
    # 120 A-100 at the agreed 9.00 = 1080.00; charged 8.00 (below agreed) would be 960.00
    cheap = order(line(quantity=120, price="8.00"))

    found = check(cheap, [*tiers(), AMOUNT_CAP], cap_usage=usage(t54="4000.00"))

    assert codes(found) == ["PRICE_BELOW_AGREED", "CAP_EXCEEDED"]
    cap = found[1]
    assert (cap.field, cap.expected, cap.actual) == ("amount", "at most 5000.00", "5080.00")
    assert "1080.00 USD of all products would bring the total to 5080.00 USD" in cap.message


def test_an_amount_cap_reached_exactly_is_clear():
    assert (
        check(order(line(quantity=120)), [*tiers(), AMOUNT_CAP], cap_usage=usage(t54="3920.00"))
        == []
    )


def test_an_order_in_another_currency_is_not_compared_with_an_amount_cap():
    found = check(
        order(line(quantity=120), currency="EUR"),
        [*tiers(), AMOUNT_CAP],
        cap_usage=usage(t54="4999.00"),
        deal_currency="USD",
    )

    assert codes(found) == ["CURRENCY_MISMATCH"]


def test_cap_usage_of_an_order_is_what_it_adds_to_each_cap_it_falls_under():
    terms = [*tiers(), QUANTITY_CAP, AMOUNT_CAP]
    compiled = compile_terms(terms, ORDER_DATE)
    the_order = order(line(quantity=60, price="10.00"), line(quantity=60), line("C-300", 5, "8.00"))

    assert cap_usage_of(the_order, compiled, context()) == {
        53: CapUsage(quantity=120, amount=Decimal("1080.00")),
        54: CapUsage(quantity=125, amount=Decimal("1120.00")),
    }


def test_an_order_outside_every_cap_uses_none():
    compiled = compile_terms([QUANTITY_CAP], ORDER_DATE)

    assert cap_usage_of(order(line("C-300", 5, "8.00")), compiled, context()) == {}
    assert cap_usage_of(order(), compile_terms([], ORDER_DATE), context()) == {}

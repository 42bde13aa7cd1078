from datetime import date
from decimal import Decimal

from terms.kinds import describe_term, standard_counterpart

from .builders import param_problems, parsed


def no_catalog(sku: str):
    return None


def cap(**params):
    return {"period_start": "2026-11-01", "period_end": "2027-06-30", **params}


# quantity_limits


def test_quantity_limits_for_one_product_are_parsed():
    term = parsed(
        "quantity_limits", sku="A-100", min_per_order=10, max_per_order=500, multiple_of=10
    )

    assert describe_term(term, "USD") == (
        "Order quantity of A-100: at least 10, at most 500, in multiples of 10"
    )


def test_quantity_limits_without_sku_hold_for_any_product():
    assert describe_term(parsed("quantity_limits", max_per_order=50), "USD") == (
        "Order quantity of any product: at most 50"
    )


def test_quantity_limits_need_at_least_one_limit():
    assert param_problems("quantity_limits", sku="A-100") == {
        "params": ["give at least one of min_per_order, max_per_order, multiple_of"]
    }


def test_an_invalid_limit_is_not_also_reported_as_missing():
    assert param_problems("quantity_limits", min_per_order=0) == {
        "params.min_per_order": ["must be at least 1"]
    }


def test_the_minimum_must_not_exceed_the_maximum():
    assert param_problems("quantity_limits", min_per_order=10, max_per_order=5) == {
        "params.max_per_order": ["must be at least min_per_order (10)"]
    }


def test_limits_that_leave_no_allowed_quantity_are_refused():
    assert param_problems(
        "quantity_limits", min_per_order=11, max_per_order=19, multiple_of=10
    ) == {"params.multiple_of": ["leaves no allowed quantity: no multiple of 10 from 11 to 19"]}


def test_limits_with_one_allowed_quantity_are_accepted():
    term = parsed("quantity_limits", min_per_order=11, max_per_order=20, multiple_of=10)

    assert term.params["multiple_of"] == 10


def test_quantity_limits_depart_from_standard_limits_of_the_same_product_only():
    standard = (
        parsed("quantity_limits", sku="B-200", min_per_order=5),
        parsed("quantity_limits", sku="A-100", multiple_of=6),
    )
    term = parsed("quantity_limits", sku="A-100", multiple_of=12)

    assert standard_counterpart(term, standard, no_catalog) == (
        "Order quantity of A-100: in multiples of 6"
    )
    assert (
        standard_counterpart(
            parsed("quantity_limits", sku="C", min_per_order=1), standard, no_catalog
        )
        is None
    )


# volume_cap


def test_a_quantity_cap_is_parsed_with_its_period():
    term = parsed("volume_cap", **cap(sku="A-100", max_quantity=1000))

    assert dict(term.params) == {
        "sku": "A-100",
        "max_quantity": 1000,
        "period_start": date(2026, 11, 1),
        "period_end": date(2027, 6, 30),
    }
    assert describe_term(term, "USD") == "At most 1000 units of A-100 from 2026-11-01 to 2027-06-30"


def test_an_amount_cap_reads_in_the_deal_currency():
    term = parsed("volume_cap", **cap(max_amount="50000"))

    assert term.params["max_amount"] == Decimal("50000")
    assert describe_term(term, "EUR") == (
        "At most 50000.00 EUR of all products from 2026-11-01 to 2027-06-30"
    )


def test_a_cap_is_on_quantity_or_amount_not_both():
    assert param_problems("volume_cap", **cap(max_quantity=5, max_amount="5.00")) == {
        "params": ["give exactly one of max_quantity or max_amount"]
    }


def test_a_cap_needs_a_quantity_or_an_amount():
    assert param_problems("volume_cap", **cap()) == {
        "params": ["give exactly one of max_quantity or max_amount"]
    }


def test_a_cap_needs_both_ends_of_its_period():
    assert param_problems("volume_cap", max_quantity=5) == {
        "params.period_start": ["is required"],
        "params.period_end": ["is required"],
    }


def test_a_cap_period_must_not_end_before_it_starts():
    errors = param_problems(
        "volume_cap", max_quantity=5, period_start="2027-01-02", period_end="2027-01-01"
    )

    assert errors == {"params.period_end": ["must be on or after period_start (2027-01-02)"]}


def test_a_cap_of_a_single_day_is_allowed():
    term = parsed("volume_cap", max_quantity=5, period_start="2027-01-01", period_end="2027-01-01")

    assert term.params["period_end"] == date(2027, 1, 1)


def test_a_cap_of_zero_amount_is_refused():
    assert param_problems("volume_cap", **cap(max_amount="0.00")) == {
        "params.max_amount": ["must be more than 0"]
    }


def test_a_cap_has_no_standard_counterpart_by_default():
    assert standard_counterpart(parsed("volume_cap", **cap(max_quantity=5)), (), no_catalog) is None

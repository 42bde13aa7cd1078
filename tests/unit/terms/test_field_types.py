"""Rules every parameter of a type follows, shown through kinds that use them."""

from datetime import date
from decimal import Decimal

import pytest

from .builders import param_problems, parsed


def test_money_keeps_the_scale_it_was_given():
    assert str(parsed("unit_price", sku="A", price="12.50").params["price"]) == "12.50"
    assert parsed("unit_price", sku="A", price="12").params["price"] == Decimal("12")


@pytest.mark.parametrize("amount", [12.5, 12, 0])
def test_money_as_a_json_number_is_refused(amount):
    assert param_problems("unit_price", sku="A", price=amount) == {
        "params.price": ['must be a decimal string such as "12.50", not a number']
    }


@pytest.mark.parametrize("amount", ["", "abc", "1e3", "NaN", "Infinity", "12.", ".5", "1,000.00"])
def test_money_that_is_not_a_plain_decimal_string_is_refused(amount):
    assert param_problems("unit_price", sku="A", price=amount) == {
        "params.price": ['must be a decimal string such as "12.50"']
    }


def test_money_as_true_is_refused_without_calling_it_a_number():
    assert param_problems("unit_price", sku="A", price=True) == {
        "params.price": ['must be a decimal string such as "12.50"']
    }


@pytest.mark.parametrize("amount", ["-1.00", "-0.00"])
def test_negative_money_is_refused(amount):
    assert param_problems("unit_price", sku="A", price=amount) == {
        "params.price": ["must not be negative"]
    }


def test_zero_money_is_a_valid_price():
    assert parsed("unit_price", sku="A", price="0.00").params["price"] == 0


def test_money_with_more_than_four_decimal_places_is_refused():
    assert parsed("unit_price", sku="A", price="0.1234").params["price"] == Decimal("0.1234")
    assert param_problems("unit_price", sku="A", price="0.12345") == {
        "params.price": ["must have at most 4 decimal places"]
    }


def test_money_with_more_than_fifteen_integer_digits_is_refused():
    assert parsed("unit_price", sku="A", price="9" * 15).params["price"] == Decimal("9" * 15)
    assert param_problems("unit_price", sku="A", price="1" + "0" * 15) == {
        "params.price": ["must have at most 15 digits before the decimal point"]
    }


def test_surrounding_whitespace_of_money_is_ignored():
    assert str(parsed("unit_price", sku="A", price=" 9.90 ").params["price"]) == "9.90"


@pytest.mark.parametrize("percent", ["0", "0.0", "-5", "100.01", "250"])
def test_percent_outside_zero_to_hundred_is_refused(percent):
    assert param_problems("discount", percent=percent) == {
        "params.percent": ["must be more than 0 and at most 100"]
    }


def test_percent_of_exactly_a_hundred_is_allowed():
    assert parsed("discount", percent="100").params["percent"] == 100


def test_percent_as_a_number_is_refused_with_a_percent_example():
    assert param_problems("discount", percent=7.5) == {
        "params.percent": ['must be a decimal string such as "7.5", not a number']
    }


def test_a_quantity_must_be_a_positive_whole_number():
    assert param_problems("lead_time", max_business_days=0) == {
        "params.max_business_days": ["must be at least 1"]
    }
    assert param_problems("lead_time", max_business_days=-3) == {
        "params.max_business_days": ["must be at least 1"]
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "must be a whole number, not true or false"),
        (False, "must be a whole number, not true or false"),
        (2.0, "must be a whole number without a decimal point"),
        (2.5, "must be a whole number"),
        ("10", "must be a whole number"),
    ],
)
def test_a_quantity_that_is_not_an_integer_is_refused(value, message):
    assert param_problems("lead_time", max_business_days=value) == {
        "params.max_business_days": [message]
    }


@pytest.mark.parametrize("value", ["2027/01/01", "01-01-2027", "20270101", "2027-1-1", 20270101])
def test_dates_must_be_iso_year_month_day(value):
    errors = param_problems(
        "volume_cap", max_quantity=5, period_start=value, period_end="2027-12-31"
    )
    assert errors == {"params.period_start": ["must be a date in YYYY-MM-DD form"]}


def test_an_impossible_date_is_refused():
    errors = param_problems(
        "volume_cap", max_quantity=5, period_start="2027-02-30", period_end="2027-12-31"
    )
    assert errors == {"params.period_start": ["is not a valid date"]}


def test_dates_are_parsed_to_date_values():
    term = parsed("volume_cap", max_quantity=5, period_start="2027-01-01", period_end="2027-12-31")
    assert term.params["period_start"] == date(2027, 1, 1)


@pytest.mark.parametrize("value", ["true", 1, 0, "yes"])
def test_a_flag_must_be_true_or_false(value):
    assert param_problems("partial_shipments", allowed=value) == {
        "params.allowed": ["must be true or false"]
    }


def test_a_currency_code_is_matched_without_case_and_stored_in_capitals():
    assert parsed("currency", code=" eur ").params["code"] == "EUR"


@pytest.mark.parametrize("code", ["XXX", "US", "DOLLAR", "HRK", "XAU", 840])
def test_a_currency_that_is_not_a_circulating_iso_4217_code_is_refused(code):
    assert param_problems("currency", code=code) == {
        "params.code": ['must be an ISO 4217 currency code such as "USD"']
    }


def test_a_choice_is_matched_without_case_and_stored_as_listed():
    assert parsed("incoterm", code="fob", place="Oakland").params["code"] == "FOB"
    assert parsed("option", name="x", decision="Decline").params["decision"] == "decline"


def test_a_choice_outside_the_list_names_the_choices():
    assert param_problems("shipping", method="ground", freight="free") == {
        "params.freight": ["must be one of: prepaid, collect"]
    }


def test_strings_are_stripped():
    term = parsed("incoterm", code="FOB", place="  Oakland  ")
    assert term.params["place"] == "Oakland"


def test_a_required_string_of_only_spaces_is_refused():
    assert param_problems("incoterm", code="FOB", place="   ") == {
        "params.place": ["must not be empty"]
    }


def test_an_optional_empty_string_counts_as_left_out():
    assert "carrier" not in parsed("shipping", method="ground", carrier="  ").params


def test_an_optional_null_counts_as_left_out():
    assert "carrier" not in parsed("shipping", method="ground", carrier=None).params


def test_a_string_param_that_is_not_a_string_is_refused():
    assert param_problems("incoterm", code="FOB", place=7) == {"params.place": ["must be a string"]}


def test_an_overlong_sku_is_refused():
    assert param_problems("unit_price", sku="S" * 65, price="1.00") == {
        "params.sku": ["must be at most 64 characters"]
    }

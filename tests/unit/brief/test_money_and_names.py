"""Money shown with its currency, and a safe file name for the download."""

from __future__ import annotations

from decimal import Decimal

import pytest

from terms.brief import brief_filename, format_money

from .builders import brief_data


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("1234.5", "USD", "1,234.50 USD"),
        ("1234.50", "usd", "1,234.50 USD"),
        ("10", "EUR", "10.00 EUR"),
        ("1E+3", "USD", "1,000.00 USD"),
        ("0.125", "USD", "0.125 USD"),
        ("12.5000", "USD", "12.50 USD"),
        ("-1234567.891", "USD", "-1,234,567.891 USD"),
        ("-0.00", "USD", "0.00 USD"),
        ("120000", "JPY", "120,000 JPY"),
        ("5.5", "KWD", "5.500 KWD"),
    ],
)
def test_money_is_grouped_and_keeps_every_agreed_digit(
    amount: str, currency: str, shown: str
) -> None:
    assert format_money(Decimal(amount), currency) == shown


@pytest.mark.parametrize("currency", ["", "US", "US Dollar", "12A"])
def test_money_refuses_something_that_is_not_a_currency_code(currency: str) -> None:
    with pytest.raises(ValueError, match="currency"):
        format_money(Decimal("1.00"), currency)


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity"])
def test_money_refuses_something_that_is_not_an_amount(amount: str) -> None:
    with pytest.raises(ValueError, match="amount"):
        format_money(Decimal(amount), "USD")


def test_file_name_names_the_deal_and_the_version() -> None:
    assert brief_filename(brief_data(versions=2)) == "handoff-brief-OPP-981-v2.docx"


@pytest.mark.parametrize(
    ("deal_ref", "name"),
    [
        ("OPP 981/ä", "handoff-brief-OPP-981-v1.docx"),
        ("../../etc/passwd", "handoff-brief-etc-passwd-v1.docx"),
        ('a"b\r\nc', "handoff-brief-a-b-c-v1.docx"),
        ("", "handoff-brief-deal-12-v1.docx"),
        ("///", "handoff-brief-deal-12-v1.docx"),
    ],
)
def test_file_name_keeps_only_safe_characters(deal_ref: str, name: str) -> None:
    assert brief_filename(brief_data(versions=1, deal_ref=deal_ref)) == name

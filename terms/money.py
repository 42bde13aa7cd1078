"""Money and percentages as decimal strings, and the ISO 4217 currency codes."""

from __future__ import annotations

import re
from decimal import Decimal

# Most decimal places a money amount or a percentage may have, and most digits before the point:
# the amounts fit a NUMERIC(19, 4) column without rounding.
MAX_PLACES = 4
MAX_INTEGER_DIGITS = 15

# Active ISO 4217 codes of circulating currencies (fund codes, precious metals, SDR and test
# codes left out: nobody invoices in them).
_ISO_4217_ACTIVE = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
    UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
"""
CURRENCY_CODES: frozenset[str] = frozenset(_ISO_4217_ACTIVE.split())

_DECIMAL_TEXT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


class AmountError(ValueError):
    """A text is not an acceptable decimal amount; the message is for people."""


def parse_decimal(text: str, *, example: str = "12.50") -> Decimal:
    """Read a plain decimal string (``"12.50"``), keeping its scale; no exponent, no NaN."""
    cleaned = text.strip()
    if not _DECIMAL_TEXT.fullmatch(cleaned):
        raise AmountError(f'must be a decimal string such as "{example}"')
    value = Decimal(cleaned)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PLACES:
        raise AmountError(f"must have at most {MAX_PLACES} decimal places")
    integer_digits = cleaned.lstrip("+-").split(".")[0].lstrip("0")
    if len(integer_digits) > MAX_INTEGER_DIGITS:
        raise AmountError(f"must have at most {MAX_INTEGER_DIGITS} digits before the decimal point")
    return value


def plain(value: Decimal) -> str:
    """The shortest plain form of a decimal: trailing zeros and exponent removed (``"12.5"``)."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def format_amount(value: Decimal) -> str:
    """An amount for people: at least two decimal places, more when stored (``"9.125"``)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(Decimal("0.01"))
    return format(value, "f")


def format_money(value: Decimal, currency: str = "") -> str:
    """An amount with its currency code, for people (``"10.00 USD"``)."""
    amount = format_amount(value)
    return f"{amount} {currency}" if currency else amount


def format_percent(value: Decimal) -> str:
    """A percentage for people (``"7.5%"``)."""
    return f"{plain(value)}%"

"""Deviations of an order from the terms: their codes, severities and JSON shape.

A deviation names what an order does differently from what was agreed: its code, how serious it
is (``block``, ``warn`` or ``info``), the term it breaks, the order line and field at fault, the
expected and actual values as strings, and one sentence a person understands.

Severities come from a mapping an admin may configure; a code missing from it falls back to the
specification's default, so a partial configuration never leaves a deviation without a severity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from terms.model import Term

CODES: tuple[str, ...] = (
    "PRICE_ABOVE_AGREED",
    "PRICE_BELOW_AGREED",
    "DISCOUNT_NOT_APPLIED",
    "PAYMENT_TERMS_MISMATCH",
    "INCOTERM_MISMATCH",
    "SHIPPING_MISMATCH",
    "LEAD_TIME_EXCEEDED",
    "QUANTITY_BELOW_MIN",
    "QUANTITY_ABOVE_MAX",
    "QUANTITY_NOT_MULTIPLE",
    "CAP_EXCEEDED",
    "CURRENCY_MISMATCH",
    "PARTIAL_SHIPMENT_NOT_ALLOWED",
    "DECLINED_OPTION_ORDERED",
    "OPTION_DECISION_PENDING",
    "MANUAL_REVIEW",
    "KICKOFF_NOT_HELD",
    "TERM_NOT_IN_FORCE",
    "NO_AGREED_PRICE",
    "UNKNOWN_DEAL",
    "AMBIGUOUS_DEAL",
)

SEVERITIES: tuple[str, ...] = ("block", "warn", "info")
# What makes an order other than clear; an `info` item (MANUAL_REVIEW by default) is a note to
# fulfillment, not a departure from the terms.
DEPARTING: tuple[str, ...] = ("block", "warn")

_BLOCKING = frozenset(
    {
        "PRICE_ABOVE_AGREED",
        "CURRENCY_MISMATCH",
        "DECLINED_OPTION_ORDERED",
        "CAP_EXCEEDED",
        "KICKOFF_NOT_HELD",
        "UNKNOWN_DEAL",
        "AMBIGUOUS_DEAL",
    }
)
_INFORMATIVE = frozenset({"MANUAL_REVIEW"})

DEFAULT_SEVERITIES: Mapping[str, str] = MappingProxyType(
    {
        code: "block" if code in _BLOCKING else "info" if code in _INFORMATIVE else "warn"
        for code in CODES
    }
)

# Codes of the order header, in the order of the order's fields, and of the deal as a whole.
HEADER_CODES: tuple[str, ...] = (
    "CURRENCY_MISMATCH",
    "PAYMENT_TERMS_MISMATCH",
    "INCOTERM_MISMATCH",
    "SHIPPING_MISMATCH",
    "LEAD_TIME_EXCEEDED",
    "PARTIAL_SHIPMENT_NOT_ALLOWED",
)


@dataclass(frozen=True)
class Deviation:
    """One way an order departs from the terms in force on its order date.

    ``line`` is the index of the order line at fault (None for the order as a whole); ``field``
    the order field; ``expected`` and ``actual`` are strings, money as plain decimals (``"9.00"``).
    """

    code: str
    severity: str
    message: str
    term_id: int | None = None
    line: int | None = None
    field: str | None = None
    expected: str | None = None
    actual: str | None = None


def severity_of(code: str, severities: Mapping[str, str] = DEFAULT_SEVERITIES) -> str:
    """The configured severity of ``code``, else its default."""
    severity = severities.get(code)
    if severity is None:
        return DEFAULT_SEVERITIES[code]
    return severity


def deviation(
    code: str,
    severities: Mapping[str, str],
    message: str,
    *,
    term: Term | None = None,
    line: int | None = None,
    field: str | None = None,
    expected: str | None = None,
    actual: str | None = None,
) -> Deviation:
    """A deviation with its severity looked up in ``severities``."""
    severity = severities.get(code) or DEFAULT_SEVERITIES[code]
    return Deviation(
        code,
        severity,
        message,
        term.id if term is not None else None,
        line,
        field,
        expected,
        actual,
    )


def deal_deviation(
    code: str, message: str, severities: Mapping[str, str] = DEFAULT_SEVERITIES
) -> Deviation:
    """A deviation of the order as a whole, such as ``UNKNOWN_DEAL`` made by the service."""
    if code not in DEFAULT_SEVERITIES:
        raise ValueError(f"unknown deviation code {code!r}")
    return Deviation(code, severity_of(code, severities), message)


def term_reference(term: Term | None, agreed: Mapping[int, str]) -> str:
    """`` (term 51, agreed on 2026-11-20 by Ana Seller)``, or what of it is known, or ``""``."""
    if term is None or term.id is None:
        return ""
    who = agreed.get(term.id)
    return f" (term {term.id}, {who})" if who else f" (term {term.id})"


def to_json(item: Deviation) -> dict[str, Any]:
    """A deviation in the shape of the API."""
    return {
        "code": item.code,
        "severity": item.severity,
        "term_id": item.term_id,
        "line": item.line,
        "field": item.field,
        "expected": item.expected,
        "actual": item.actual,
        "message": item.message,
    }


def departs(severity: str) -> bool:
    """True when an item of this severity makes the order depart from the terms."""
    return severity in DEPARTING


def order_status(deviations: Sequence[Deviation]) -> str:
    """``blocked`` with any block, ``flagged`` with any warn, else ``clear``."""
    severities = {item.severity for item in deviations}
    if "block" in severities:
        return "blocked"
    if "warn" in severities:
        return "flagged"
    return "clear"


def invalid_severities(raw: Mapping[str, Any]) -> dict[str, list[str]]:
    """Problems of an admin's severity settings, keyed by code; empty when they are fine."""
    errors: dict[str, list[str]] = {}
    for code, severity in raw.items():
        if code not in DEFAULT_SEVERITIES:
            errors.setdefault(str(code), []).append("is not a deviation code")
        elif severity not in SEVERITIES:
            errors.setdefault(code, []).append(f"must be one of: {', '.join(SEVERITIES)}")
    return errors

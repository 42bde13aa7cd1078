"""Small builders for the order-check unit tests: plain values, sensible defaults, no mocks.

The deal of these tests: A-100 widgets at 10.00 for 1-99 units and 9.00 for 100 or more,
closed on 2026-11-20; orders are dated Tuesday 2026-12-15 and ship on the 18th, after the
first shipment date, with the kickoff held.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from terms.check import CapUsage, CatalogItem, CheckContext, check_order, compile_terms
from terms.deviations import Deviation
from terms.model import Term
from terms.order import Order, parse_order
from terms.parse import parse_term

ORDER_DATE = date(2026, 12, 15)
AGREED = "agreed on 2026-11-20 by Ana Seller"

CATALOG = {
    "A-100": CatalogItem("A-100", Decimal("12.00"), "USD", "widgets"),
    "B-200": CatalogItem("B-200", Decimal("20.00"), "USD", "widgets"),
    "C-300": CatalogItem("C-300", Decimal("8.00"), "USD", "gadgets"),
    "WARR-EXT": CatalogItem("WARR-EXT", Decimal("50.00"), "USD", "services"),
    "EU-1": CatalogItem("EU-1", Decimal("30.00"), "EUR", "widgets"),
}


def day(text: str) -> date:
    return date.fromisoformat(text)


def term(
    kind: str,
    term_id: int,
    *,
    valid_from: str | None = None,
    valid_to: str | None = None,
    **params: Any,
) -> Term:
    """A term parsed from client input, stored with an id and an optional validity window."""
    parsed = parse_term({"kind": kind, "params": params})
    return dataclasses.replace(
        parsed,
        id=term_id,
        valid_from=day(valid_from) if valid_from else None,
        valid_to=day(valid_to) if valid_to else None,
    )


def tiers() -> list[Term]:
    """The deal's two price tiers of A-100 (terms 51 and 52)."""
    return [
        term("unit_price", 51, sku="A-100", price="10.00", max_quantity=99),
        term("unit_price", 52, sku="A-100", price="9.00", min_quantity=100),
    ]


def line(sku: str = "A-100", quantity: int = 120, price: str = "9.00") -> dict[str, Any]:
    return {"sku": sku, "quantity": quantity, "unit_price": price}


def raw_order(*lines: dict[str, Any], **header: Any) -> dict[str, Any]:
    """An order as a client sends it; ``header`` adds or replaces fields (None removes one).

    Without lines it holds 10 C-300 at their list price, which no price term touches.
    """
    raw: dict[str, Any] = {
        "deal_id": 12,
        "po_number": "PO-5521",
        "order_date": ORDER_DATE.isoformat(),
        "requested_ship_date": "2026-12-18",
        "currency": "USD",
        "lines": list(lines) or [line("C-300", 10, "8.00")],
    }
    raw.update(header)
    return {key: value for key, value in raw.items() if value is not None}


def order(*lines: dict[str, Any], **header: Any) -> Order:
    return parse_order(raw_order(*lines, **header))


def weekdays_only(start: date, days: int) -> date:
    """A company calendar with weekends and no holidays."""
    return with_holidays()(start, days)


def with_holidays(*holidays: str) -> Any:
    """A company calendar with weekends and the given holidays off."""
    off = {day(text) for text in holidays}

    def add_business_days(start: date, days: int) -> date:
        current = start
        while days:
            current += timedelta(days=1)
            if current.weekday() < 5 and current not in off:
                days -= 1
        return current

    return add_business_days


def context(**changes: Any) -> CheckContext:
    """What the service would supply: the catalog, a calendar, kickoff held, who agreed."""
    values: dict[str, Any] = {
        "catalog": CATALOG,
        "add_business_days": weekdays_only,
        "kickoff_held": True,
        "first_shipment_date": day("2026-12-14"),
        "agreed": {term_id: AGREED for term_id in range(1, 100)},
    }
    values.update(changes)
    return CheckContext(**values)


def check(the_order: Order, terms: Iterable[Term] = (), **context_changes: Any) -> list[Deviation]:
    """The deviations of an order from a version holding ``terms``."""
    compiled = compile_terms(list(terms), the_order.order_date)
    return check_order(the_order, compiled, context(**context_changes))


def codes(deviations: Iterable[Deviation]) -> list[str]:
    return [item.code for item in deviations]


def only(deviations: list[Deviation]) -> Deviation:
    """The one deviation found; fails when there are none or several."""
    assert len(deviations) == 1, [item.code for item in deviations]
    return deviations[0]


def usage(**by_term: int | str) -> Mapping[int, CapUsage]:
    """Cap usage of other orders: ``t53=900`` is 900 units, ``t54="400.00"`` an amount."""
    result: dict[int, CapUsage] = {}
    for key, value in by_term.items():
        term_id = int(key.lstrip("t"))
        if isinstance(value, str):
            result[term_id] = CapUsage(amount=Decimal(value))
        else:
            result[term_id] = CapUsage(quantity=value)
    return result

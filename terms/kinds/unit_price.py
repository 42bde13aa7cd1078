"""unit_price: an agreed price per unit of one SKU, optionally for a quantity tier."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from terms.errors import FieldErrors
from terms.kinds import BaseKind, FieldSpec, ListPrice, TermKind, add_error
from terms.model import Term
from terms.money import format_money

POSITION = 10


class UnitPrice(BaseKind):
    """Price tiers are several unit_price terms for the same SKU."""

    name = "unit_price"
    label = "Unit price"
    fields = (
        FieldSpec("sku", "sku", True, "SKU"),
        FieldSpec("price", "money", True, "Price per unit", help="In the deal's currency."),
        FieldSpec(
            "min_quantity",
            "int",
            False,
            "From quantity",
            help="Smallest quantity of the SKU in one order at this price (1 when empty).",
        ),
        FieldSpec(
            "max_quantity",
            "int",
            False,
            "Up to quantity",
            help="Largest quantity of the SKU in one order at this price (no limit when empty).",
        ),
    )

    def check(self, values: Mapping[str, Any], errors: FieldErrors) -> None:
        low, high = values.get("min_quantity"), values.get("max_quantity")
        if low is not None and high is not None and low > high:
            add_error(errors, "max_quantity", f"must be at least min_quantity ({low})")

    def describe(self, term: Term, currency: str) -> str:
        params = term.params
        text = f"{params['sku']} at {format_money(params['price'], currency)}"
        low, high = params.get("min_quantity"), params.get("max_quantity")
        if high is not None:
            low = low or 1
            if low == high:
                return text + f" for {low} units"
            return text + f" for {low}\N{EN DASH}{high} units"
        if low is not None and low > 1:
            return text + f" for {low} units or more"
        return text

    def standard_counterpart(
        self, term: Term, standard: Sequence[Term], list_price: ListPrice
    ) -> str | None:
        found = list_price(str(term.params["sku"]))
        if found is None:
            return None
        price, currency = found
        return f"list price {format_money(price, currency)}"


# How an order is checked against unit prices. The agreed price of a line is chosen across the
# price kinds in terms.resolve (a unit_price tier first); this module says which quantities a
# tier covers and what its deviations are called.
ABOVE_CODE = "PRICE_ABOVE_AGREED"
BELOW_CODE = "PRICE_BELOW_AGREED"


def tier_bounds(term: Term) -> tuple[int, int | None]:
    """The smallest and largest order quantity of the SKU the tier prices (None: no limit)."""
    params = term.params
    return params.get("min_quantity") or 1, params.get("max_quantity")


def tier_words(term: Term) -> str:
    """`` for 100+ units``, `` for 1-99 units`` (en dash), `` for 5 units``; ``""``: no tier."""
    low, high = tier_bounds(term)
    if high is None:
        return f" for {low}+ units" if low > 1 else ""
    if low == high:
        return f" for {low} {'unit' if low == 1 else 'units'}"
    return f" for {low}\N{EN DASH}{high} units"


KIND: TermKind = UnitPrice()

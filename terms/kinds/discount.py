"""discount: a percentage off the catalog list price, for one SKU, a category or everything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from terms.errors import FieldErrors
from terms.kinds import BaseKind, FieldSpec, ListPrice, TermKind, add_error
from terms.model import Term
from terms.money import format_money, format_percent

POSITION = 20


class Discount(BaseKind):
    """Without sku or category the discount applies to every product."""

    name = "discount"
    label = "Discount off list price"
    fields = (
        FieldSpec("percent", "percent", True, "Discount (%)", help='A decimal string, e.g. "7.5".'),
        FieldSpec("sku", "sku", False, "SKU", help="Only this product."),
        FieldSpec("category", "str", False, "Category", help="Only products of this category."),
    )

    def check(self, values: Mapping[str, Any], errors: FieldErrors) -> None:
        if "sku" in values and "category" in values:
            add_error(errors, "category", "give sku or category, not both")

    def describe(self, term: Term, currency: str) -> str:
        params = term.params
        return f"{format_percent(params['percent'])} off the list price of {_scope(term)}"

    def standard_counterpart(
        self, term: Term, standard: Sequence[Term], list_price: ListPrice
    ) -> str | None:
        sku = term.params.get("sku")
        if sku is None:
            return f"list price of {_scope(term)}, no discount"
        found = list_price(str(sku))
        if found is None:
            return None
        price, currency = found
        return f"list price {format_money(price, currency)}"


def _scope(term: Term) -> str:
    if "sku" in term.params:
        return str(term.params["sku"])
    if "category" in term.params:
        return f"category {term.params['category']}"
    return "all products"


# How an order is checked against discounts. The agreed price of a line is chosen across the
# price kinds in terms.resolve (a discount for the SKU, then its category, then all products);
# this module says what a discounted price is and what its deviations are called.
ABOVE_CODE = "DISCOUNT_NOT_APPLIED"
BELOW_CODE = "PRICE_BELOW_AGREED"

_HUNDRED = Decimal(100)
_CENTS = Decimal("0.01")


def price_quantum(amount: Decimal) -> Decimal:
    """The places a price is kept to: cents, or more when ``amount`` has more that count.

    Trailing zeros do not count: 12.0000 read from a NUMERIC(19, 4) column is priced in cents,
    9.125 in thousandths.
    """
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return Decimal(1).scaleb(exponent)
    return _CENTS


def discounted(list_price: Decimal, percent: Decimal) -> Decimal:
    """The list price less ``percent``, rounded half up to the places of :func:`price_quantum`.

    A price is charged in cents, so 7.5% off 12.00 is 11.10, not 11.1; a list price with more
    places (9.125) keeps them, so its discounted price is not rounded more coarsely.
    """
    exact = list_price * (_HUNDRED - percent) / _HUNDRED
    return exact.quantize(price_quantum(list_price), rounding=ROUND_HALF_UP)


def scope_words(term: Term) -> str:
    """What the discount is for: ``A-100``, ``category widgets`` or ``all products``."""
    return _scope(term)


KIND: TermKind = Discount()

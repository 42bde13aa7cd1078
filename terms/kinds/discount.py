"""discount: a percentage off the catalog list price, for one SKU, a category or everything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


KIND: TermKind = Discount()

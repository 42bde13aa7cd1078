"""quantity_limits: the smallest, largest and step quantity of an order line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from terms.errors import FieldErrors
from terms.kinds import BaseKind, FieldSpec, TermKind, add_error, given
from terms.model import Term

POSITION = 70

LIMITS = ("min_per_order", "max_per_order", "multiple_of")


class QuantityLimits(BaseKind):
    """At least one limit; without sku the limits hold for every product."""

    name = "quantity_limits"
    label = "Quantity limits"
    fields = (
        FieldSpec("sku", "sku", False, "SKU", help="Only this product; every product when empty."),
        FieldSpec("min_per_order", "int", False, "Minimum per order"),
        FieldSpec("max_per_order", "int", False, "Maximum per order"),
        FieldSpec("multiple_of", "int", False, "In multiples of"),
    )

    def check(self, values: Mapping[str, Any], errors: FieldErrors) -> None:
        if not any(given(values, errors, name) for name in LIMITS):
            add_error(errors, "", "give at least one of min_per_order, max_per_order, multiple_of")
            return
        low, high = values.get("min_per_order"), values.get("max_per_order")
        step = values.get("multiple_of")
        if low is not None and high is not None and low > high:
            add_error(errors, "max_per_order", f"must be at least min_per_order ({low})")
            return
        if step is not None and high is not None:
            smallest = -(-(low or 1) // step) * step
            if smallest > high:
                add_error(
                    errors,
                    "multiple_of",
                    f"leaves no allowed quantity: no multiple of {step} from {low or 1} to {high}",
                )

    def describe(self, term: Term, currency: str) -> str:
        params = term.params
        parts = []
        if "min_per_order" in params:
            parts.append(f"at least {params['min_per_order']}")
        if "max_per_order" in params:
            parts.append(f"at most {params['max_per_order']}")
        if "multiple_of" in params:
            parts.append(f"in multiples of {params['multiple_of']}")
        return f"Order quantity of {_scope(term)}: {', '.join(parts)}"

    def subject(self, term: Term) -> object:
        return term.params.get("sku")


def _scope(term: Term) -> str:
    return str(term.params["sku"]) if "sku" in term.params else "any product"


KIND: TermKind = QuantityLimits()

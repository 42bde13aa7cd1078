"""quantity_limits: the smallest, largest and step quantity of an order line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from terms.deviations import Deviation, deviation, term_reference
from terms.errors import FieldErrors
from terms.kinds import BaseKind, FieldSpec, TermKind, add_error, given
from terms.model import Term

if TYPE_CHECKING:
    from terms.check import CheckContext, OrderCheck, OrderFacts

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

    def compile_check(self, terms: tuple[Term, ...]) -> OrderCheck | None:
        """``QUANTITY_BELOW_MIN``, ``QUANTITY_ABOVE_MAX``, ``QUANTITY_NOT_MULTIPLE``.

        The quantity is the order's total of the SKU over all its lines, as for price tiers;
        a deviation names the SKU's first line. A limit of a term for the SKU replaces the same
        limit of a term for every product; other limits of that term still hold.
        """
        if not terms:
            return None
        every: Limits = {}
        by_sku: dict[str, Limits] = {}
        for term in terms:
            if "sku" not in term.params:
                every.update(_limits(term))
        for term in terms:
            if "sku" in term.params:
                by_sku.setdefault(term.params["sku"], dict(every)).update(_limits(term))

        # The limits as plain numbers (no minimum: 0, no maximum or step: None) for a quick
        # test of the usual case, an order within every limit.
        quick = {sku: (_bounds(limits), limits) for sku, limits in by_sku.items()}
        quick_every = (_bounds(every), every) if every else None

        def check(facts: OrderFacts, context: CheckContext, found: list[Deviation]) -> None:
            for sku, quantity in facts.quantities.items():
                entry = quick.get(sku, quick_every)
                if entry is None:
                    continue
                (low, high, step), limits = entry
                if (
                    quantity < low
                    or (high is not None and quantity > high)
                    or (step is not None and quantity % step)
                ):
                    _check_quantity(
                        sku, quantity, limits=limits, facts=facts, context=context, found=found
                    )

        return check


# A limit's name → its value and the term that sets it.
Limits = dict[str, tuple[int, Term]]


def _bounds(limits: Limits) -> tuple[int, int | None, int | None]:
    low, high, step = (limits.get(name) for name in LIMITS)
    return (
        low[0] if low else 0,
        high[0] if high else None,
        step[0] if step else None,
    )


def _limits(term: Term) -> Limits:
    return {name: (term.params[name], term) for name in LIMITS if name in term.params}


def _check_quantity(
    sku: str,
    quantity: int,
    *,
    limits: Limits,
    facts: OrderFacts,
    context: CheckContext,
    found: list[Deviation],
) -> None:
    line = facts.first_line[sku]
    held = f"The order holds {quantity} {'unit' if quantity == 1 else 'units'} of {sku}"
    low = limits.get("min_per_order")
    if low is not None and quantity < low[0]:
        found.append(
            deviation(
                "QUANTITY_BELOW_MIN",
                context.severities,
                f"{held}, fewer than the agreed minimum of {low[0]} per order"
                f"{term_reference(low[1], context.agreed)}.",
                term=low[1],
                line=line,
                field="quantity",
                expected=f"at least {low[0]}",
                actual=str(quantity),
            )
        )
    high = limits.get("max_per_order")
    if high is not None and quantity > high[0]:
        found.append(
            deviation(
                "QUANTITY_ABOVE_MAX",
                context.severities,
                f"{held}, more than the agreed maximum of {high[0]} per order"
                f"{term_reference(high[1], context.agreed)}.",
                term=high[1],
                line=line,
                field="quantity",
                expected=f"at most {high[0]}",
                actual=str(quantity),
            )
        )
    step = limits.get("multiple_of")
    if step is not None and quantity % step[0]:
        found.append(
            deviation(
                "QUANTITY_NOT_MULTIPLE",
                context.severities,
                f"{held}, not a multiple of {step[0]} as agreed"
                f"{term_reference(step[1], context.agreed)}.",
                term=step[1],
                line=line,
                field="quantity",
                expected=f"a multiple of {step[0]}",
                actual=str(quantity),
            )
        )


def _scope(term: Term) -> str:
    return str(term.params["sku"]) if "sku" in term.params else "any product"


KIND: TermKind = QuantityLimits()

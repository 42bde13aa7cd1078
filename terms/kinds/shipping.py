"""shipping: the shipping method, carrier and freight arrangement."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from terms.deviations import Deviation, deviation, term_reference
from terms.kinds import BaseKind, FieldSpec, TermKind
from terms.model import Term
from terms.money import format_money

if TYPE_CHECKING:
    from terms.check import CheckContext, OrderCheck, OrderFacts

COMPARED = ("method", "carrier", "freight")

POSITION = 50


class Shipping(BaseKind):
    """Method is free text (ground, air, ocean…); freight is prepaid or collect."""

    name = "shipping"
    label = "Shipping"
    fields = (
        FieldSpec("method", "str", True, "Method", help="e.g. ground, air, ocean."),
        FieldSpec("carrier", "str", False, "Carrier"),
        FieldSpec("freight", "choice", False, "Freight", choices=("prepaid", "collect")),
        FieldSpec(
            "free_freight_over",
            "money",
            False,
            "Free freight over",
            help="Order amount above which we pay the freight.",
        ),
    )

    def describe(self, term: Term, currency: str) -> str:
        params = term.params
        text = f"Shipping by {params['method']}"
        if "carrier" in params:
            text += f" via {params['carrier']}"
        if "freight" in params:
            text += f", freight {params['freight']}"
        if "free_freight_over" in params:
            amount = format_money(params["free_freight_over"], currency)
            text += f", free freight on orders over {amount}"
        return text

    def compile_check(self, terms: tuple[Term, ...]) -> OrderCheck | None:
        """``SHIPPING_MISMATCH`` when the order states another method, carrier or freight.

        Only what both the term and the order state is compared, without regard to case or
        spacing. On an order worth more than ``free_freight_over`` (as charged) the agreed
        freight is prepaid, whatever the term says below that amount: we pay the freight.
        """
        if not terms:
            return None
        term = terms[-1]
        params = term.params
        agreed = {key: str(params[key]) for key in COMPARED if key in params}
        free_over: Decimal | None = params.get("free_freight_over")
        free = {**agreed, "freight": "prepaid"}

        def check(facts: OrderFacts, context: CheckContext, found: list[Deviation]) -> None:
            order = facts.order
            stated = order.shipping
            if stated is None:
                return
            expected, reason = agreed, ""
            if free_over is not None and "freight" in stated:
                total = sum(line.quantity * line.unit_price for line in order.lines)
                if total > free_over:
                    expected = free
                    reason = f" (free freight over {format_money(free_over, order.currency)})"
            differ = []
            for key, value in expected.items():
                given = stated.get(key)
                if given is not None and given != value and _same(given) != _same(value):
                    differ.append(key)
            if not differ:
                return
            wanted, actual = _words(differ, expected), _words(differ, stated)
            if "freight" not in differ:
                reason = ""
            found.append(
                deviation(
                    "SHIPPING_MISMATCH",
                    context.severities,
                    f"The order states shipping {actual}, not the agreed "
                    f"{wanted}{reason}{term_reference(term, context.agreed)}.",
                    term=term,
                    field="shipping",
                    expected=wanted,
                    actual=actual,
                )
            )

        return check


def _same(value: Any) -> str:
    return " ".join(str(value).split()).casefold()


def _words(keys: list[str], values: Mapping[str, Any]) -> str:
    """``method air, freight collect``."""
    return ", ".join(f"{key} {values[key]}" for key in keys)


KIND: TermKind = Shipping()

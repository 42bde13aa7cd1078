"""shipping: the shipping method, carrier and freight arrangement."""

from __future__ import annotations

from terms.kinds import BaseKind, FieldSpec, TermKind
from terms.model import Term
from terms.money import format_money

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


KIND: TermKind = Shipping()

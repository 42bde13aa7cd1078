"""clause: a promise in words that no machine checks, optionally reviewed on every order."""

from __future__ import annotations

from collections.abc import Sequence

from terms.kinds import BaseKind, FieldSpec, ListPrice, TermKind
from terms.model import Term

POSITION = 120


class Clause(BaseKind):
    """review_on_order defaults to false and is always stored."""

    name = "clause"
    label = "Clause"
    fields = (
        FieldSpec("text", "text", True, "Text"),
        FieldSpec(
            "review_on_order",
            "bool",
            False,
            "Review on every order",
            help="Fulfillment ticks it off on each order.",
            default=False,
        ),
    )

    def describe(self, term: Term, currency: str) -> str:
        text = str(term.params["text"])
        if term.params.get("review_on_order"):
            text += " (reviewed by fulfillment on every order)"
        return text

    def standard_counterpart(
        self, term: Term, standard: Sequence[Term], list_price: ListPrice
    ) -> str | None:
        return None


KIND: TermKind = Clause()

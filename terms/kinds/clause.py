"""clause: a promise in words that no machine checks, optionally reviewed on every order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from terms.deviations import Deviation, deviation, term_reference
from terms.kinds import BaseKind, FieldSpec, ListPrice, TermKind
from terms.model import Term

if TYPE_CHECKING:
    from terms.check import CheckContext, OrderCheck, OrderFacts

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

    def compile_check(self, terms: tuple[Term, ...]) -> OrderCheck | None:
        """A ``MANUAL_REVIEW`` item on every order for each clause reviewed on order.

        The item is the same for every order of a deal, so it is made once per severity and
        wording and handed out again (deviations are immutable).
        """
        reviewed = tuple(term for term in terms if term.params.get("review_on_order"))
        if not reviewed:
            return None
        made: dict[tuple[int, str | None, str | None], Deviation] = {}

        def check(facts: OrderFacts, context: CheckContext, found: list[Deviation]) -> None:
            severity = context.severities.get("MANUAL_REVIEW")
            for index, term in enumerate(reviewed):
                who = context.agreed.get(term.id) if term.id is not None else None
                key = (index, severity, who)
                item = made.get(key)
                if item is None:
                    if len(made) >= MAX_REMEMBERED:
                        made.clear()
                    item = made[key] = _review(term, context)
                found.append(item)

        return check


# Review items remembered by one compiled clause kind.
MAX_REMEMBERED = 256


def _review(term: Term, context: CheckContext) -> Deviation:
    text = str(term.params["text"]).rstrip(".")
    return deviation(
        "MANUAL_REVIEW",
        context.severities,
        f"Check by hand before shipping: {text}{term_reference(term, context.agreed)}.",
        term=term,
    )


KIND: TermKind = Clause()

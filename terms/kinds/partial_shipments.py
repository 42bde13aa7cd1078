"""partial_shipments: whether an order may ship in parts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from terms.deviations import Deviation, deviation, term_reference
from terms.kinds import BaseKind, FieldSpec, TermKind
from terms.model import Term

if TYPE_CHECKING:
    from terms.check import CheckContext, OrderCheck, OrderFacts

POSITION = 100


class PartialShipments(BaseKind):
    """A yes or no."""

    name = "partial_shipments"
    label = "Partial shipments"
    fields = (FieldSpec("allowed", "bool", True, "Partial shipments allowed"),)

    def describe(self, term: Term, currency: str) -> str:
        return "Partial shipments allowed" if term.params["allowed"] else "No partial shipments"

    def compile_check(self, terms: tuple[Term, ...]) -> OrderCheck | None:
        """``PARTIAL_SHIPMENT_NOT_ALLOWED`` when the order asks for one against the term."""
        if not terms or terms[-1].params["allowed"]:
            return None
        term = terms[-1]

        def check(facts: OrderFacts, context: CheckContext, found: list[Deviation]) -> None:
            if facts.order.partial_shipment is not True:
                return
            found.append(
                deviation(
                    "PARTIAL_SHIPMENT_NOT_ALLOWED",
                    context.severities,
                    "The order asks for partial shipment, but the customer agreed to no partial "
                    f"shipments{term_reference(term, context.agreed)}.",
                    term=term,
                    field="partial_shipment",
                    expected="false",
                    actual="true",
                )
            )

        return check


KIND: TermKind = PartialShipments()

"""partial_shipments: whether an order may ship in parts."""

from __future__ import annotations

from terms.kinds import BaseKind, FieldSpec, TermKind
from terms.model import Term

POSITION = 100


class PartialShipments(BaseKind):
    """A yes or no."""

    name = "partial_shipments"
    label = "Partial shipments"
    fields = (FieldSpec("allowed", "bool", True, "Partial shipments allowed"),)

    def describe(self, term: Term, currency: str) -> str:
        return "Partial shipments allowed" if term.params["allowed"] else "No partial shipments"


KIND: TermKind = PartialShipments()

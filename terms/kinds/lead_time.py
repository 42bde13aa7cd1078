"""lead_time: the longest time from order to delivery, in business days."""

from __future__ import annotations

from terms.kinds import BaseKind, FieldSpec, TermKind
from terms.model import Term

POSITION = 60


class LeadTime(BaseKind):
    """Business days are those of the company's country."""

    name = "lead_time"
    label = "Lead time"
    fields = (
        FieldSpec(
            "max_business_days",
            "int",
            True,
            "Delivery within (business days)",
            help="Counted from the order date.",
        ),
    )

    def describe(self, term: Term, currency: str) -> str:
        days = term.params["max_business_days"]
        return f"Delivery within {days} business {'day' if days == 1 else 'days'} of the order"


KIND: TermKind = LeadTime()

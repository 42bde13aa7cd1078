"""lead_time: the longest time from order to delivery, in business days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from terms.deviations import Deviation, deviation, term_reference
from terms.kinds import BaseKind, FieldSpec, TermKind
from terms.model import Term

if TYPE_CHECKING:
    from terms.check import CheckContext, OrderCheck, OrderFacts

POSITION = 60

# Last delivery days remembered by one compiled lead time (one per calendar and order date).
MAX_REMEMBERED = 64


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

    def compile_check(self, terms: tuple[Term, ...]) -> OrderCheck | None:
        """``LEAD_TIME_EXCEEDED`` when the promised delivery is after the last agreed day.

        An order that promises no delivery date is not checked. The last day is remembered
        per calendar and order date: a company calendar steps through holidays day by day,
        and compiled terms serve many orders of one date.
        """
        if not terms:
            return None
        term = terms[-1]
        days: int = term.params["max_business_days"]
        unit = "business day" if days == 1 else "business days"
        last_days: dict[tuple[object, date], date] = {}

        def last_day(add_business_days: Callable[[date, int], date], ordered: date) -> date:
            key = (add_business_days, ordered)
            try:
                latest = last_days.get(key)
            except TypeError:  # a calendar that cannot be a dict key is asked every time
                return add_business_days(ordered, days)
            if latest is None:
                if len(last_days) >= MAX_REMEMBERED:
                    last_days.clear()
                latest = last_days[key] = add_business_days(ordered, days)
            return latest

        def check(facts: OrderFacts, context: CheckContext, found: list[Deviation]) -> None:
            order = facts.order
            promised = order.promised_delivery_date
            if promised is None:
                return
            latest = last_day(context.add_business_days, order.order_date)
            if promised <= latest:
                return
            found.append(
                deviation(
                    "LEAD_TIME_EXCEEDED",
                    context.severities,
                    f"Delivery is promised on {promised.isoformat()}, after {latest.isoformat()}: "
                    f"the agreed lead time is {days} {unit} from the order date "
                    f"{order.order_date.isoformat()}{term_reference(term, context.agreed)}.",
                    term=term,
                    field="promised_delivery_date",
                    expected=latest.isoformat(),
                    actual=promised.isoformat(),
                )
            )

        return check


KIND: TermKind = LeadTime()

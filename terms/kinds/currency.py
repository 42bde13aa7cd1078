"""currency: the currency the deal's orders are placed and invoiced in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from terms.deviations import Deviation, deviation, term_reference
from terms.kinds import BaseKind, FieldSpec, TermKind
from terms.model import Term

if TYPE_CHECKING:
    from terms.check import CheckContext, OrderCheck, OrderFacts

POSITION = 90


class Currency(BaseKind):
    """An ISO 4217 code, stored in capitals."""

    name = "currency"
    label = "Currency"
    fields = (FieldSpec("code", "currency", True, "Currency", help="ISO 4217 code, e.g. EUR."),)

    def describe(self, term: Term, currency: str) -> str:
        return f"Orders and invoices in {term.params['code']}"

    def describe_standard(self, term: Term, currency: str) -> str:
        return str(term.params["code"])

    def compile_check(self, terms: tuple[Term, ...]) -> OrderCheck:
        """``CURRENCY_MISMATCH`` when the order is not in the agreed (else the deal's) currency.

        The currency itself is compared once per order when its facts are worked out, because
        an order in another currency gets no price deviations.
        """
        term = agreed_currency(terms)

        def check(facts: OrderFacts, context: CheckContext, found: list[Deviation]) -> None:
            if facts.currency_ok:
                return
            actual, expected = facts.order.currency, facts.expected_currency
            agreed = (
                f"the agreed {expected}{term_reference(term, context.agreed)}"
                if term is not None
                else f"the deal's currency {expected}"
            )
            found.append(
                deviation(
                    "CURRENCY_MISMATCH",
                    context.severities,
                    f"The order is in {actual}, not {agreed}, so its prices cannot be checked.",
                    term=term,
                    field="currency",
                    expected=expected,
                    actual=actual,
                )
            )

        return check


def agreed_currency(terms: Sequence[Term]) -> Term | None:
    """The currency term in force among ``terms`` (the later of two), or None."""
    found = None
    for term in terms:
        if term.kind == "currency":
            found = term
    return found


KIND: TermKind = Currency()

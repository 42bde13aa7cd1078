"""currency: the currency the deal's orders are placed and invoiced in."""

from __future__ import annotations

from terms.kinds import BaseKind, FieldSpec, TermKind
from terms.model import Term

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


KIND: TermKind = Currency()

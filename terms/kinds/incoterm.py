"""incoterm: the Incoterms 2020 rule and its named place."""

from __future__ import annotations

from terms.kinds import BaseKind, FieldSpec, TermKind
from terms.model import Term

POSITION = 40

INCOTERMS_2020 = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF")


class Incoterm(BaseKind):
    """The code is matched without regard to case and stored in capitals."""

    name = "incoterm"
    label = "Incoterm"
    fields = (
        FieldSpec("code", "choice", True, "Incoterms 2020 rule", choices=INCOTERMS_2020),
        FieldSpec("place", "str", True, "Named place", help="e.g. the port or town, Oakland."),
    )

    def describe(self, term: Term, currency: str) -> str:
        return f"{self.describe_standard(term, currency)} (Incoterms 2020)"

    def describe_standard(self, term: Term, currency: str) -> str:
        return f"{term.params['code']} {term.params['place']}"


KIND: TermKind = Incoterm()

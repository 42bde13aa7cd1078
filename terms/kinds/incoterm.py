"""incoterm: the Incoterms 2020 rule and its named place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from terms.deviations import Deviation, deviation, term_reference
from terms.kinds import BaseKind, FieldSpec, TermKind
from terms.model import Term

if TYPE_CHECKING:
    from terms.check import CheckContext, OrderCheck, OrderFacts

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

    def compile_check(self, terms: tuple[Term, ...]) -> OrderCheck | None:
        """``INCOTERM_MISMATCH`` when the order states another rule or place.

        Places are compared without regard to case or spacing: "oakland " is Oakland.
        """
        if not terms:
            return None
        term = terms[-1]
        code, agreed_place = str(term.params["code"]), str(term.params["place"])
        place = same_place(agreed_place)
        expected = self.describe_standard(term, "")

        def check(facts: OrderFacts, context: CheckContext, found: list[Deviation]) -> None:
            stated = facts.order.incoterm
            if stated is None:
                return
            if stated["code"] == code and (
                stated["place"] == agreed_place or same_place(str(stated["place"])) == place
            ):
                return
            actual = f"{stated['code']} {stated['place'] or '(no place named)'}"
            found.append(
                deviation(
                    "INCOTERM_MISMATCH",
                    context.severities,
                    f"The order states {actual}, not the agreed "
                    f"{expected}{term_reference(term, context.agreed)}.",
                    term=term,
                    field="incoterm",
                    expected=expected,
                    actual=actual,
                )
            )

        return check


def same_place(place: str) -> str:
    """A place as compared: case and runs of spaces do not matter."""
    return " ".join(place.split()).casefold()


KIND: TermKind = Incoterm()

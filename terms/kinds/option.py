"""option: an offer the customer accepts or declines, such as an extended warranty."""

from __future__ import annotations

from typing import TYPE_CHECKING

from terms.deviations import Deviation, deviation, term_reference
from terms.kinds import BaseKind, FieldSpec, TermKind
from terms.model import Term

if TYPE_CHECKING:
    from terms.check import CheckContext, OrderCheck, OrderFacts

POSITION = 110

DECISIONS = ("accept", "decline", "pending")
_DECISION_WORDS = {"accept": "ACCEPTED", "decline": "DECLINED", "pending": "DECISION PENDING"}


class Option(BaseKind):
    """Signatures name the option by ``name``; its SKU may not be ordered once declined."""

    name = "option"
    label = "Option"
    fields = (
        FieldSpec("name", "str", True, "Name", help="e.g. extended_warranty."),
        FieldSpec("sku", "sku", False, "SKU", help="The product that delivers the option."),
        FieldSpec("decision", "choice", True, "Customer decision", choices=DECISIONS),
        FieldSpec("terms", "text", False, "What the option offers"),
    )

    def describe(self, term: Term, currency: str) -> str:
        params = term.params
        text = humanise(str(params["name"]))
        if "sku" in params:
            text += f" ({params['sku']})"
        text += f": {_DECISION_WORDS[str(params['decision'])]}"
        if "terms" in params:
            text += f" — {params['terms']}"
        return text

    def describe_standard(self, term: Term, currency: str) -> str:
        params = term.params
        text = humanise(str(params["name"]))
        return text + (f" — {params['terms']}" if "terms" in params else "")

    def subject(self, term: Term) -> object:
        return term.params.get("name")

    def compile_check(self, terms: tuple[Term, ...]) -> OrderCheck | None:
        """``DECLINED_OPTION_ORDERED`` on each line of a declined option's SKU, and one
        ``OPTION_DECISION_PENDING`` per order for each option still undecided.

        The term is the record of the decision; a signature's decision only settles an option
        the term leaves pending (a signature that declines it makes its SKU declined too).
        """
        options = tuple(term for term in terms if term.params["decision"] != "accept")
        if not options:
            return None

        def check(facts: OrderFacts, context: CheckContext, found: list[Deviation]) -> None:
            for term in options:
                params = term.params
                decision, signed = params["decision"], False
                if decision == "pending":
                    settled = context.signed_decisions.get(params["name"])
                    if settled not in ("accept", "decline"):
                        found.append(_pending(term, context))
                        continue
                    decision, signed = settled, True
                sku = params.get("sku")
                if decision == "decline" and sku in facts.quantities:
                    for index, line in enumerate(facts.order.lines):
                        if line.sku == sku:
                            found.append(_declined(term, index, signed, context))

        return check


def _declined(term: Term, line: int, signed: bool, context: CheckContext) -> Deviation:
    name, sku = _in_words(term), str(term.params["sku"])
    how = "declined it when signing" if signed else "declined it"
    return deviation(
        "DECLINED_OPTION_ORDERED",
        context.severities,
        f"The order includes {sku}, the {name} option, but the customer {how}"
        f"{term_reference(term, context.agreed)}.",
        term=term,
        line=line,
        field="sku",
        expected=f"no {sku} (declined)",
        actual=sku,
    )


def _pending(term: Term, context: CheckContext) -> Deviation:
    return deviation(
        "OPTION_DECISION_PENDING",
        context.severities,
        f"The customer has not yet accepted or declined the {_in_words(term)} option"
        f"{term_reference(term, context.agreed)}; settle it before the order ships.",
        term=term,
        expected="accept or decline",
        actual="pending",
    )


def _in_words(term: Term) -> str:
    """The option's name inside a sentence: ``extended_warranty`` → ``extended warranty``."""
    return str(term.params["name"]).replace("_", " ").strip()


def humanise(name: str) -> str:
    """``extended_warranty`` → ``Extended warranty``."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


KIND: TermKind = Option()

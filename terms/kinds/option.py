"""option: an offer the customer accepts or declines, such as an extended warranty."""

from __future__ import annotations

from terms.kinds import BaseKind, FieldSpec, TermKind
from terms.model import Term

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


def humanise(name: str) -> str:
    """``extended_warranty`` → ``Extended warranty``."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


KIND: TermKind = Option()

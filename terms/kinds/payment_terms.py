"""payment_terms: net days, with an optional early-payment discount."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from terms.deviations import Deviation, deviation, term_reference
from terms.errors import FieldErrors
from terms.kinds import BaseKind, FieldSpec, TermKind, add_error, given
from terms.model import Term
from terms.money import format_percent

if TYPE_CHECKING:
    from terms.check import CheckContext, OrderCheck, OrderFacts

POSITION = 30


class PaymentTerms(BaseKind):
    """Net days from invoice; the early discount needs both its percent and its days."""

    name = "payment_terms"
    label = "Payment terms"
    fields = (
        FieldSpec(
            "net_days", "int", True, "Net days", help="Days to pay; 0 is due on receipt.", minimum=0
        ),
        FieldSpec(
            "early_discount_percent",
            "percent",
            False,
            "Early payment discount (%)",
            help="Given together with the early payment days.",
        ),
        FieldSpec(
            "early_discount_days",
            "int",
            False,
            "Early payment days",
            help="Days within which the early payment discount applies.",
        ),
    )

    def check(self, values: Mapping[str, Any], errors: FieldErrors) -> None:
        has_percent = given(values, errors, "early_discount_percent")
        has_days = given(values, errors, "early_discount_days")
        if has_percent and not has_days:
            add_error(errors, "early_discount_days", "is required with early_discount_percent")
        if has_days and not has_percent:
            add_error(errors, "early_discount_percent", "is required with early_discount_days")
        net, days = values.get("net_days"), values.get("early_discount_days")
        if net is not None and days is not None and days > net:
            add_error(errors, "early_discount_days", f"must not be more than net_days ({net})")

    def describe(self, term: Term, currency: str) -> str:
        params = term.params
        net = params["net_days"]
        text = f"Net {net} days" + (" (due on receipt)" if net == 0 else "")
        if "early_discount_percent" in params:
            percent = format_percent(params["early_discount_percent"])
            days = params["early_discount_days"]
            text += f", {percent} if paid within {days} {'day' if days == 1 else 'days'}"
        return text

    def compile_check(self, terms: tuple[Term, ...]) -> OrderCheck | None:
        """``PAYMENT_TERMS_MISMATCH`` when the order states other payment terms.

        The early discount is part of the terms: an order that leaves out an agreed early
        discount, or adds one, states other terms. An order that states none is not checked.
        """
        if not terms:
            return None
        term = terms[-1]
        agreed = _key(term.params)
        expected = self.describe(term, "")

        def check(facts: OrderFacts, context: CheckContext, found: list[Deviation]) -> None:
            stated = facts.order.payment_terms
            if stated is None or _key(stated) == agreed:
                return
            actual = self.describe(Term(self.name, stated), "")
            found.append(
                deviation(
                    "PAYMENT_TERMS_MISMATCH",
                    context.severities,
                    f"The order states payment terms {actual}, not the agreed "
                    f"{expected}{term_reference(term, context.agreed)}.",
                    term=term,
                    field="payment_terms",
                    expected=expected,
                    actual=actual,
                )
            )

        return check


def _key(params: Mapping[str, Any]) -> tuple[object, object, object]:
    return (
        params.get("net_days"),
        params.get("early_discount_percent"),
        params.get("early_discount_days"),
    )


KIND: TermKind = PaymentTerms()

"""volume_cap: the most quantity or amount a deal may order in a period."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from terms.check import CapUsage
from terms.deviations import Deviation, deviation, term_reference
from terms.errors import FieldErrors
from terms.kinds import BaseKind, FieldSpec, TermKind, add_error, given
from terms.model import Term
from terms.money import format_amount, format_money

if TYPE_CHECKING:
    from terms.check import CheckContext, OrderCheck, OrderFacts, UsageCount

POSITION = 80


class VolumeCap(BaseKind):
    """Exactly one of max_quantity and max_amount; the period is inclusive at both ends."""

    name = "volume_cap"
    label = "Volume cap"
    fields = (
        FieldSpec("sku", "sku", False, "SKU", help="Only this product; every product when empty."),
        FieldSpec("max_quantity", "int", False, "Most units"),
        FieldSpec(
            "max_amount",
            "money",
            False,
            "Most amount",
            help="At the agreed prices, in the deal's currency.",
        ),
        FieldSpec("period_start", "date", True, "Period start"),
        FieldSpec("period_end", "date", True, "Period end"),
    )

    def check(self, values: Mapping[str, Any], errors: FieldErrors) -> None:
        has_quantity = given(values, errors, "max_quantity")
        has_amount = given(values, errors, "max_amount")
        if has_quantity == has_amount:
            add_error(errors, "", "give exactly one of max_quantity or max_amount")
        amount = values.get("max_amount")
        if amount is not None and amount == 0:
            add_error(errors, "max_amount", "must be more than 0")
        start, end = values.get("period_start"), values.get("period_end")
        if start is not None and end is not None and start > end:
            add_error(errors, "period_end", f"must be on or after period_start ({start})")

    def describe(self, term: Term, currency: str) -> str:
        params = term.params
        if "max_quantity" in params:
            cap = f"{params['max_quantity']} units"
        else:
            cap = format_money(params["max_amount"], currency)
        scope = params.get("sku", "all products")
        start, end = params["period_start"].isoformat(), params["period_end"].isoformat()
        return f"At most {cap} of {scope} from {start} to {end}"

    def subject(self, term: Term) -> object:
        return term.params.get("sku")

    def compile_check(self, terms: tuple[Term, ...]) -> OrderCheck | None:
        """``CAP_EXCEEDED`` when what other counted orders used plus this order passes a cap.

        A cap holds for orders dated in its period, over the order's lines of its SKU (all
        lines without one); reaching the cap exactly is within it. An order in another currency
        than agreed is not compared with an amount cap: its amounts cannot be added up.
        """
        caps = tuple(_Cap(term) for term in terms)
        if not caps:
            return None

        def check(facts: OrderFacts, context: CheckContext, found: list[Deviation]) -> None:
            for cap in caps:
                if cap.max_quantity is not None:
                    quantity = cap.quantity(facts)
                    if not quantity:
                        continue
                    before = context.cap_usage.get(cap.term_id) if cap.term_id is not None else None
                    total = quantity + (before.quantity if before else 0)
                    if total > cap.max_quantity:
                        found.append(
                            cap.exceeded(
                                added=quantity, total=total, currency=None, context=context
                            )
                        )
                elif facts.currency_ok and cap.max_amount is not None:
                    amount = cap.amount(facts)
                    if amount is None:
                        continue
                    before = context.cap_usage.get(cap.term_id) if cap.term_id is not None else None
                    spent = amount + (before.amount if before else _ZERO)
                    if spent > cap.max_amount:
                        found.append(
                            cap.exceeded(
                                added=amount,
                                total=spent,
                                currency=facts.order.currency,
                                context=context,
                            )
                        )

        return check

    def compile_usage(self, terms: tuple[Term, ...]) -> UsageCount | None:
        """What an order adds to each cap it falls under: its units, and their agreed amount."""
        caps = tuple(_Cap(term) for term in terms if term.id is not None)
        if not caps:
            return None

        def count(facts: OrderFacts) -> dict[int, CapUsage]:
            usage: dict[int, CapUsage] = {}
            for cap in caps:
                quantity = cap.quantity(facts)
                if quantity and cap.term_id is not None:
                    amount = cap.amount(facts) if facts.currency_ok else None
                    usage[cap.term_id] = CapUsage(quantity, amount or _ZERO)
            return usage

        return count


_ZERO = Decimal(0)


class _Cap:
    """A volume cap term's params, read once when the terms are compiled."""

    __slots__ = ("end", "max_amount", "max_quantity", "sku", "start", "term", "term_id")

    def __init__(self, term: Term) -> None:
        params = term.params
        self.term = term
        self.term_id = term.id
        self.sku: str | None = params.get("sku")
        self.max_quantity: int | None = params.get("max_quantity")
        self.max_amount: Decimal | None = params.get("max_amount")
        self.start: date = params["period_start"]
        self.end: date = params["period_end"]

    def quantity(self, facts: OrderFacts) -> int:
        """The order's units under the cap; 0 when its date is outside the period."""
        if not self.start <= facts.order.order_date <= self.end:
            return 0
        if self.sku is None:
            return sum(facts.quantities.values())
        return facts.quantities.get(self.sku, 0)

    def amount(self, facts: OrderFacts) -> Decimal | None:
        """The order's amount under the cap at the agreed prices; None: not under the cap."""
        if not self.quantity(facts):
            return None
        sku = self.sku
        return sum(
            (facts.agreed_amount(line) for line in facts.order.lines if sku in (None, line.sku)),
            _ZERO,
        )

    def exceeded(
        self,
        *,
        added: int | Decimal,
        total: int | Decimal,
        currency: str | None,
        context: CheckContext,
    ) -> Deviation:
        """The deviation of this cap passed; ``currency`` is None for a quantity cap."""
        cap = self.max_quantity if currency is None else self.max_amount
        return _exceeded(
            self.term, added=added, total=total, cap=cap or 0, currency=currency, context=context
        )


def _exceeded(
    term: Term,
    *,
    added: int | Decimal,
    total: int | Decimal,
    cap: int | Decimal,
    currency: str | None,
    context: CheckContext,
) -> Deviation:
    """The deviation of a cap passed; ``currency`` is None for a quantity cap."""
    params = term.params
    scope = params.get("sku", "all products")
    period = f"{params['period_start'].isoformat()} to {params['period_end'].isoformat()}"
    if currency is None:
        words = f"{added} units of {scope} would bring the total to {total}, past the cap of {cap}"
        expected, actual, field = f"at most {cap}", str(total), "quantity"
    else:
        added_words, total_words, cap_words = (
            format_money(Decimal(value), currency) for value in (added, total, cap)
        )
        words = (
            f"{added_words} of {scope} would bring the total to {total_words}, "
            f"past the cap of {cap_words}"
        )
        expected = f"at most {format_amount(Decimal(cap))}"
        actual, field = format_amount(Decimal(total)), "amount"
    return deviation(
        "CAP_EXCEEDED",
        context.severities,
        f"This order's {words} for {period}{term_reference(term, context.agreed)}.",
        term=term,
        field=field,
        expected=expected,
        actual=actual,
    )


KIND: TermKind = VolumeCap()

"""volume_cap: the most quantity or amount a deal may order in a period."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from terms.errors import FieldErrors
from terms.kinds import BaseKind, FieldSpec, TermKind, add_error, given
from terms.model import Term
from terms.money import format_money

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


KIND: TermKind = VolumeCap()

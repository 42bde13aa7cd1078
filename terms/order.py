"""A customer order (PO) to be checked, read from the JSON of the API.

The rules of the input, beyond the specification's order shape:

- money is a decimal string (``"9.00"``); a JSON number is refused, as for terms;
- ``deal_id`` or ``account_ref`` (or both) ties the order to a deal;
- ``requested_ship_date`` is on or after ``order_date``, and ``promised_delivery_date`` on or
  after ``requested_ship_date`` (nothing is delivered before it ships);
- ``payment_terms`` follows the params of the payment_terms kind; ``incoterm`` needs a code and
  a place; ``shipping`` gives any of ``method``, ``carrier``, ``freight``;
- the same SKU may appear on several lines: a check adds them up;
- unknown keys are refused, so a misspelt field is never silently ignored.

Every problem is reported at once, keyed by a dotted path (``lines.0.unit_price``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn

from terms.errors import FieldErrors, _FieldsError, merge_errors
from terms.kinds import (
    FieldProblem,
    parse_bool,
    parse_choice,
    parse_currency,
    parse_date,
    parse_int,
    parse_money,
    parse_percent,
    parse_text,
)
from terms.kinds.incoterm import INCOTERMS_2020
from terms.money import MAX_INTEGER_DIGITS, MAX_PLACES

ORDER_KEYS = (
    "deal_id",
    "account_ref",
    "po_number",
    "order_date",
    "requested_ship_date",
    "promised_delivery_date",
    "currency",
    "payment_terms",
    "incoterm",
    "shipping",
    "partial_shipment",
    "lines",
)
LINE_KEYS = ("sku", "quantity", "unit_price")
PAYMENT_KEYS = ("net_days", "early_discount_percent", "early_discount_days")
INCOTERM_KEYS = ("code", "place")
DELIVERY_CODE = re.compile(r"[A-Za-z]{2,10}")
SHIPPING_KEYS = ("method", "carrier", "freight")
FREIGHT = ("prepaid", "collect")

MAX_PO_NUMBER = 100
MAX_ACCOUNT_REF = 200
MAX_SKU = 64
MAX_TEXT = 200
MAX_LINES = 5000


class OrderInvalid(_FieldsError):
    """An order breaks the rules of the order shape."""

    def prefixed(self, prefix: str | int) -> OrderInvalid:
        """The same errors with every key under ``prefix``: ``"3"`` → ``"3.lines.0.sku"``."""
        errors: FieldErrors = {}
        merge_errors(errors, self.errors, prefix)
        return OrderInvalid(errors)


class Section(dict[str, Any]):
    """A read-only, hashable object of the order header (``payment_terms``…).

    A dict underneath, so checks read it at the speed of a dict and it serialises as one.
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a section of an order cannot be changed")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[type[Section], tuple[dict[str, Any]]]:
        return Section, (dict(self),)

    def __repr__(self) -> str:
        return f"Section({dict.__repr__(self)})"


@dataclass(frozen=True)
class OrderLine:
    """One line of an order: a SKU, how many, at what unit price."""

    sku: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class Order:
    """A customer order as parsed; optional header fields are None when the order is silent.

    ``payment_terms`` holds ``net_days`` and, together, ``early_discount_percent`` (Decimal)
    and ``early_discount_days``; ``incoterm`` holds ``code`` (capitals) and ``place``;
    ``shipping`` any of ``method``, ``carrier``, ``freight``.
    """

    po_number: str
    order_date: date
    requested_ship_date: date
    currency: str
    lines: tuple[OrderLine, ...]
    promised_delivery_date: date | None = None
    payment_terms: Mapping[str, Any] | None = None
    incoterm: Mapping[str, Any] | None = None
    shipping: Mapping[str, Any] | None = None
    partial_shipment: bool | None = None
    deal_id: int | None = None
    account_ref: str | None = None

    def __post_init__(self) -> None:
        for name in ("payment_terms", "incoterm", "shipping"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Section):
                object.__setattr__(self, name, Section(value))
        if not isinstance(self.lines, tuple):
            object.__setattr__(self, "lines", tuple(self.lines))


class _Reader:
    """Collects the problems of one order while its fields are read."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.errors: FieldErrors = {}

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def field(self, key: str, parse: Any, *, required: bool = False, path: str = "") -> Any:
        """The parsed value of ``raw[key]``, or None when absent or invalid."""
        value = self.raw.get(key)
        if value is None:
            if required:
                self.add(path or key, "is required")
            return None
        try:
            return parse(value)
        except FieldProblem as problem:
            self.add(path or key, str(problem))
            return None


def _unknown_keys(raw: Mapping[str, Any], allowed: Sequence[str], what: str) -> FieldErrors:
    return {
        str(key): [f"is not a field of {what}; expected: {', '.join(allowed)}"]
        for key in raw
        if key not in allowed
    }


def _required_text(max_length: int) -> Any:
    def parse(value: Any) -> str:
        text = parse_text(value, max_length)
        if not text:
            raise FieldProblem("must not be empty")
        return text

    return parse


def _deal_id(value: Any) -> int:
    return parse_int(value, 1)


def _quantity(value: Any) -> int:
    return parse_int(value, 1)


def parse_order(raw: Mapping[str, Any]) -> Order:
    """An order from the JSON of the API; raises OrderInvalid naming every problem."""
    if not isinstance(raw, Mapping):
        raise OrderInvalid({"": ["must be an object with po_number, dates, currency and lines"]})
    reader = _Reader(raw)
    merge_errors(reader.errors, _unknown_keys(raw, ORDER_KEYS, "an order"))

    deal_id = reader.field("deal_id", _deal_id)
    account_ref = reader.field("account_ref", _required_text(MAX_ACCOUNT_REF))
    if raw.get("deal_id") is None and raw.get("account_ref") is None:
        reader.add("deal_id", "give deal_id or account_ref to tie the order to a deal")
    po_number = reader.field("po_number", _required_text(MAX_PO_NUMBER), required=True)
    order_date = reader.field("order_date", parse_date, required=True)
    ship_date = reader.field("requested_ship_date", parse_date, required=True)
    delivery_date = reader.field("promised_delivery_date", parse_date)
    if order_date is not None and ship_date is not None and ship_date < order_date:
        reader.add(
            "requested_ship_date", f"must be on or after order_date ({order_date.isoformat()})"
        )
    if ship_date is not None and delivery_date is not None and delivery_date < ship_date:
        reader.add(
            "promised_delivery_date",
            f"must be on or after requested_ship_date ({ship_date.isoformat()})",
        )
    currency = reader.field("currency", parse_currency, required=True)
    payment_terms = _section(reader, "payment_terms", _payment_terms)
    incoterm = _section(reader, "incoterm", _incoterm)
    shipping = _section(reader, "shipping", _shipping)
    partial = reader.field("partial_shipment", parse_bool)
    lines = _lines(reader)

    if reader.errors:
        raise OrderInvalid(reader.errors)
    return Order(
        po_number=po_number,
        order_date=order_date,
        requested_ship_date=ship_date,
        currency=currency,
        lines=lines,
        promised_delivery_date=delivery_date,
        payment_terms=payment_terms,
        incoterm=incoterm,
        shipping=shipping,
        partial_shipment=partial,
        deal_id=deal_id,
        account_ref=account_ref,
    )


def _section(reader: _Reader, key: str, parse: Any) -> Section | None:
    """An optional nested object of the header, its problems keyed ``<key>.<field>``."""
    value = reader.raw.get(key)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        reader.add(key, "must be an object")
        return None
    errors: FieldErrors = {}
    parsed: dict[str, Any] = parse(value, errors)
    merge_errors(reader.errors, errors, key)
    return None if errors else Section(parsed)


def _read(
    raw: Mapping[str, Any], key: str, parse: Any, errors: FieldErrors, *, required: bool = False
) -> Any:
    value = raw.get(key)
    if value is None:
        if required:
            errors.setdefault(key, []).append("is required")
        return None
    try:
        return parse(value)
    except FieldProblem as problem:
        errors.setdefault(key, []).append(str(problem))
        return None


def _payment_terms(raw: Mapping[str, Any], errors: FieldErrors) -> dict[str, Any]:
    merge_errors(errors, _unknown_keys(raw, PAYMENT_KEYS, "payment terms"))
    result: dict[str, Any] = {}
    net = _read(raw, "net_days", lambda value: parse_int(value, 0), errors, required=True)
    percent = _read(raw, "early_discount_percent", parse_percent, errors)
    days = _read(raw, "early_discount_days", _quantity, errors)
    has_percent = raw.get("early_discount_percent") is not None
    has_days = raw.get("early_discount_days") is not None
    if has_percent and not has_days:
        errors.setdefault("early_discount_days", []).append(
            "is required with early_discount_percent"
        )
    if has_days and not has_percent:
        errors.setdefault("early_discount_percent", []).append(
            "is required with early_discount_days"
        )
    if net is not None:
        result["net_days"] = net
    if percent is not None and days is not None:
        result["early_discount_percent"] = percent
        result["early_discount_days"] = days
    return result


def _delivery_code(value: Any) -> str:
    """An order states whatever delivery terms it states (an Incoterms 2020 rule, or another
    code such as FOT): refusing a foreign code would hide the deviation the check must show."""
    if not isinstance(value, str) or not DELIVERY_CODE.fullmatch(value.strip()):
        raise FieldProblem("must be a delivery terms code such as FOB (letters only)")
    code = value.strip().upper()
    return parse_choice(code, INCOTERMS_2020) if code in INCOTERMS_2020 else code


def _incoterm(raw: Mapping[str, Any], errors: FieldErrors) -> dict[str, Any]:
    merge_errors(errors, _unknown_keys(raw, INCOTERM_KEYS, "an incoterm"))
    code = _read(raw, "code", _delivery_code, errors, required=True)
    place = _read(raw, "place", _required_text(MAX_TEXT), errors)
    return {"code": code, "place": place or ""}


def _shipping(raw: Mapping[str, Any], errors: FieldErrors) -> dict[str, Any]:
    merge_errors(errors, _unknown_keys(raw, SHIPPING_KEYS, "shipping"))
    result: dict[str, Any] = {}
    for key in ("method", "carrier"):
        value = _read(raw, key, _required_text(MAX_TEXT), errors)
        if value is not None:
            result[key] = value
    freight = _read(raw, "freight", lambda value: parse_choice(value, FREIGHT), errors)
    if freight is not None:
        result["freight"] = freight
    if not result and not errors:
        errors.setdefault("", []).append("give at least one of method, carrier, freight")
    return result


def _lines(reader: _Reader) -> tuple[OrderLine, ...]:
    value = reader.raw.get("lines")
    if value is None:
        reader.add("lines", "is required")
        return ()
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        reader.add("lines", "must be a list of lines")
        return ()
    if not value:
        reader.add("lines", "must have at least one line")
        return ()
    if len(value) > MAX_LINES:
        reader.add("lines", f"must have at most {MAX_LINES} lines")
        return ()
    lines: list[OrderLine] = []
    for index, item in enumerate(value):
        errors: FieldErrors = {}
        line = _line(item, errors)
        merge_errors(reader.errors, errors, f"lines.{index}")
        if line is not None:
            lines.append(line)
    return tuple(lines)


# A unit price as clients nearly always write it: what parse_money accepts, without sign,
# spaces or leading zeros beyond the digit limit.
_PLAIN_PRICE = re.compile(rf"[0-9]{{1,{MAX_INTEGER_DIGITS}}}(?:\.[0-9]{{1,{MAX_PLACES}}})?")


def plain_line(raw: Any) -> OrderLine | None:
    """The line, when ``raw`` is exactly the documented shape with nothing to correct or
    report; else None, and :func:`read_line` reads it with every rule. This is the common case,
    worth reading in a fraction of the time: batches hold millions of lines."""
    if type(raw) is not dict or len(raw) != len(LINE_KEYS):
        return None
    sku, quantity, price = raw.get("sku"), raw.get("quantity"), raw.get("unit_price")
    if (
        type(sku) is str
        and 0 < len(sku) <= MAX_SKU
        and not sku[0].isspace()
        and not sku[-1].isspace()
        and type(quantity) is int
        and quantity >= 1
        and type(price) is str
        and _PLAIN_PRICE.fullmatch(price)
    ):
        return OrderLine(sku=sku, quantity=quantity, unit_price=Decimal(price))
    return None


def _line(raw: Any, errors: FieldErrors) -> OrderLine | None:
    return plain_line(raw) or read_line(raw, errors)


def read_line(raw: Any, errors: FieldErrors) -> OrderLine | None:
    """A line read with every rule, its problems added to ``errors``."""
    if not isinstance(raw, Mapping):
        errors.setdefault("", []).append("must be an object with sku, quantity and unit_price")
        return None
    merge_errors(errors, _unknown_keys(raw, LINE_KEYS, "an order line"))
    sku = _read(raw, "sku", _required_text(MAX_SKU), errors, required=True)
    quantity = _read(raw, "quantity", _quantity, errors, required=True)
    unit_price = _read(raw, "unit_price", parse_money, errors, required=True)
    if errors:
        return None
    return OrderLine(sku=sku, quantity=quantity, unit_price=unit_price)


def _json_section(section: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if section is None:
        return None
    return {
        key: format(value, "f") if isinstance(value, Decimal) else value
        for key, value in section.items()
    }


def order_to_json(order: Order) -> dict[str, Any]:
    """An order as JSON-safe values; optional fields only when the order gives them."""
    result: dict[str, Any] = {}
    if order.deal_id is not None:
        result["deal_id"] = order.deal_id
    if order.account_ref is not None:
        result["account_ref"] = order.account_ref
    result.update(
        {
            "po_number": order.po_number,
            "order_date": order.order_date.isoformat(),
            "requested_ship_date": order.requested_ship_date.isoformat(),
        }
    )
    if order.promised_delivery_date is not None:
        result["promised_delivery_date"] = order.promised_delivery_date.isoformat()
    result["currency"] = order.currency
    for key in ("payment_terms", "incoterm", "shipping"):
        section = _json_section(getattr(order, key))
        if section is not None:
            result[key] = section
    if order.partial_shipment is not None:
        result["partial_shipment"] = order.partial_shipment
    result["lines"] = [
        {"sku": line.sku, "quantity": line.quantity, "unit_price": format(line.unit_price, "f")}
        for line in order.lines
    ]
    return result

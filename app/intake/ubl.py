"""Order intake from a UBL 2.x ``Order`` document: bytes in, the raw order dict of the API out.

The document is parsed with defusedxml, refusing any DTD, entity declaration or external
reference before anything is resolved, and the result is the same JSON shape a client sends to
``POST /api/v1/orders/check`` (money as decimal strings, quantities as ints, dates as ISO
strings), so the domain validates both the same way. Only the parts named below are read; the
document is not validated against the UBL schema.

Mapping (``cbc:``/``cac:`` are the UBL common basic and aggregate components):

- ``po_number`` = ``cbc:ID``; ``order_date`` = ``cbc:IssueDate`` (a time zone suffix is
  dropped); both are required.
- ``currency`` = ``cbc:DocumentCurrencyCode``, else the ``currencyID`` of the first amount in
  document order. A ``PriceAmount`` in another currency is an error on its line: the order has
  one currency and a price in another cannot be compared.
- ``account_ref`` = ``BuyerCustomerParty/cbc:SupplierAssignedAccountID`` (our account number for
  the buyer) when present, else the first ``BuyerCustomerParty/Party/PartyIdentification/cbc:ID``.
- ``contract_ref`` = ``cac:Contract/cbc:ID`` when present (not part of the JSON order shape: the
  service uses it to find the deal by its ``external_ref`` and removes it before validation).
- lines, one per ``cac:OrderLine/cac:LineItem``, errors keyed ``OrderLine.<n>`` by position
  (1-based):

  * ``sku`` = ``Item/SellersItemIdentification/cbc:ID``, with no fallback: a buyer's item
    number or a GTIN (``StandardItemIdentification``) is not our SKU, and guessing could price a
    line against the wrong term, so a line without it is an error.
  * ``quantity`` = ``cbc:Quantity``, a whole number of units above zero; ``120.0`` is read as
    120, a fraction is an error.
  * ``unit_price`` = ``Price/PriceAmount`` ÷ ``Price/BaseQuantity`` (default 1), in decimal
    arithmetic. An exact quotient is kept exactly, at no fewer decimal places than the
    PriceAmount (``"100.00"`` ÷ 1 stays ``"100.00"``); one that does not terminate (within 80
    significant digits) is rounded half-up to 4 places, the most the domain keeps. A
    BaseQuantity in another unit than the Quantity is an error (no unit conversion). The
    line's ``LineExtensionAmount`` is ignored: the price is what the order states per unit.

- ``requested_ship_date`` / ``promised_delivery_date`` = ``StartDate`` / ``EndDate`` of the first
  header ``cac:Delivery/cac:RequestedDeliveryPeriod`` that gives either, else of the first line's
  ``LineItem/cac:Delivery``. Without a start date, ``requested_ship_date`` is the order date.
- ``incoterm`` from the first ``cac:DeliveryTerms`` with a ``cbc:ID``: when its first word is an
  Incoterms 2020 code (any case) the code is that word in capitals; otherwise the whole ID is
  passed on as the code, so the domain refuses or flags it rather than the order silently losing
  its delivery terms. The place is ``DeliveryLocation/Address/CityName``, else the rest of the ID
  (unless it is a US UCC qualifier such as "Destination"), else the location's ``Description``,
  ``Name`` or ``ID``; without any, the incoterm has only a code.
- ``payment_terms`` only when the ``cac:PaymentTerms`` give one unambiguous reading: a note that
  is exactly "Net 30", "Net 30 days", "30 days net" or "2/10 net 30" (with an early-payment
  discount), or a ``SettlementPeriod/DurationMeasure`` in days (``unitCode="DAY"``) in terms
  without a settlement discount. Anything else is left out rather than guessed.
- ``partial_shipment`` from the lines' ``cbc:PartialDeliveryIndicator``: true when any line
  allows partial delivery, false when some line says so and none allows it, absent otherwise.

Errors: bytes that are not XML, a DTD, an entity or an external reference, or more than
``MAX_XML_BYTES`` → ``IntakeError`` with status 400; a well-formed document that is not a UBL
``Order`` or lacks what an order needs → status 422 with every problem at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import fromstring

from app.intake.errors import BAD_REQUEST, UNPROCESSABLE, IntakeError
from terms.money import MAX_PLACES

MAX_XML_BYTES = 5 * 1024 * 1024

UBL_NAMESPACE_PREFIX = "urn:oasis:names:specification:ubl:schema:xsd:"
ORDER_NAMESPACE = UBL_NAMESPACE_PREFIX + "Order-2"
NS = {
    "cbc": UBL_NAMESPACE_PREFIX + "CommonBasicComponents-2",
    "cac": UBL_NAMESPACE_PREFIX + "CommonAggregateComponents-2",
}

INCOTERMS_2020 = frozenset(
    ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF")
)
# Words after "FOB" in US (UCC) shipping terms that say where title passes, not a named place.
UCC_QUALIFIERS = frozenset(("destination", "origin", "shipping point", "factory"))

# Longest numeric text read (quantities, amounts): enough for any real order, and it bounds the
# work of the decimal arithmetic below.
MAX_NUMBER_TEXT = 32
PRICE_PRECISION = 80
SHOWN_TEXT = 40

_XSD_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_XSD_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:Z|[+-][0-9]{2}:[0-9]{2})?")
_INCOTERM_ID = re.compile(r"([A-Za-z]{3})\b[\s,;:/-]*(.*)", re.DOTALL)
_INCOTERMS_SUFFIX = re.compile(r"[\s,(]*incoterms?\s*®?\s*(?:20[0-9]{2})?\s*\)?\s*$", re.I)
_NET = re.compile(r"net\s*([0-9]{1,3})(?:\s*days?)?\s*\.?", re.I)
_DAYS_NET = re.compile(r"([0-9]{1,3})\s*days?\s*net\s*\.?", re.I)
_DISCOUNT_NET = re.compile(
    r"([0-9]{1,2}(?:\.[0-9]{1,2})?)\s*%?\s*/\s*([0-9]{1,3})\s*,?\s*net\s*([0-9]{1,3})"
    r"(?:\s*days?)?\s*\.?",
    re.I,
)


def order_from_ubl(data: bytes) -> dict[str, Any]:
    """The raw order of a UBL ``Order`` document; raises IntakeError (400 or 422)."""
    root = _parse(data)
    _require_order(root)
    return _OrderReader(root).read()


def _bad_xml(message: str) -> IntakeError:
    return IntakeError(message, {"document": [message]}, status=BAD_REQUEST)


def _parse(data: bytes) -> Element:
    """The root element of hostile-proof parsing; every refusal is a 400."""
    if len(data) > MAX_XML_BYTES:
        raise _bad_xml(f"The document is larger than {MAX_XML_BYTES} bytes.")
    if not data.strip():
        raise _bad_xml("The document is empty.")
    try:
        root: Element = fromstring(
            bytes(data), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DTDForbidden:
        raise _bad_xml(
            "The document declares a DTD; DTDs, entities and external references are refused."
        ) from None
    except EntitiesForbidden:
        raise _bad_xml("The document declares entities, which are refused.") from None
    except ExternalReferenceForbidden:
        raise _bad_xml("The document refers to an external resource, which is refused.") from None
    except DefusedXmlException:
        raise _bad_xml("The document uses an XML feature that is refused.") from None
    except ParseError as exc:
        raise _bad_xml(f"The document is not well-formed XML: {exc}.") from None
    except (LookupError, ValueError) as exc:
        raise _bad_xml(f"The document cannot be read as XML: {exc}.") from None
    return root


def _split_tag(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _require_order(root: Element) -> None:
    namespace, local = _split_tag(str(root.tag))
    if namespace == ORDER_NAMESPACE and local == "Order":
        return
    if namespace.startswith(UBL_NAMESPACE_PREFIX) and local != "Order":
        message = f"The document is a UBL {_shown(local)}, not an Order."
    elif local == "Order":
        message = (
            f"The root element Order is in the namespace {_shown(namespace) or '(none)'}, "
            f"not the UBL Order namespace {ORDER_NAMESPACE}."
        )
    else:
        message = (
            f"The root element is {_shown(local)}, not a UBL Order "
            f"(Order in the namespace {ORDER_NAMESPACE})."
        )
    raise IntakeError(message, {"document": [message]}, status=UNPROCESSABLE)


def _shown(text: str) -> str:
    """A text quoted in a message, cut short: documents may hold megabytes in one element."""
    return text if len(text) <= SHOWN_TEXT else text[:SHOWN_TEXT] + "…"


def _text(parent: Element | None, path: str) -> str | None:
    """The stripped text of the first element at ``path``, or None when absent or empty."""
    if parent is None:
        return None
    element = parent.find(path, NS)
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _decimal(text: str) -> Decimal | None:
    """An xsd:decimal (no exponent, NaN or infinity), or None."""
    if len(text) > MAX_NUMBER_TEXT or not _XSD_DECIMAL.fullmatch(text):
        return None
    return Decimal(text)


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def unit_price(amount: Decimal, base_quantity: Decimal) -> str:
    """``amount`` ÷ ``base_quantity`` as a plain decimal string (see the module notes)."""
    context = Context(prec=PRICE_PRECISION, rounding=ROUND_HALF_UP)
    quotient = context.divide(amount, base_quantity)
    if context.flags[Inexact]:
        quotient = context.quantize(quotient, Decimal(1).scaleb(-MAX_PLACES))
    elif _exponent(quotient) > _exponent(amount):
        quotient = context.quantize(quotient, Decimal(1).scaleb(_exponent(amount)))
    return format(quotient, "f")


@dataclass
class _OrderReader:
    """Reads one Order element, collecting every problem keyed by UBL element."""

    root: Element
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def read(self) -> dict[str, Any]:
        root = self.root
        order: dict[str, Any] = {}
        account_ref = self.account_ref()
        if account_ref is not None:
            order["account_ref"] = account_ref
        contract_ref = _text(root, "cac:Contract/cbc:ID")
        if contract_ref is not None:
            order["contract_ref"] = contract_ref

        po_number = _text(root, "cbc:ID")
        if po_number is None:
            self.add("ID", "is missing: the order number (cbc:ID) is required")
        order_date = self.date(root, "cbc:IssueDate", "IssueDate", required=True)
        ship_date, delivery_date = self.delivery_period()
        currency = self.currency()

        lines = self.lines(currency)
        incoterm = self.incoterm()
        payment_terms = self.payment_terms()
        partial = self.partial_shipment()

        if self.errors:
            first = next(iter(self.errors.items()))
            summary = f"The UBL Order cannot be read as an order: {first[0]} {first[1][0]}."
            raise IntakeError(summary, self.errors, status=UNPROCESSABLE)

        order["po_number"] = po_number
        order["order_date"] = order_date
        order["requested_ship_date"] = ship_date or order_date
        if delivery_date is not None:
            order["promised_delivery_date"] = delivery_date
        order["currency"] = currency
        if payment_terms is not None:
            order["payment_terms"] = payment_terms
        if incoterm is not None:
            order["incoterm"] = incoterm
        if partial is not None:
            order["partial_shipment"] = partial
        order["lines"] = lines
        return order

    # -- header ---------------------------------------------------------------------------

    def account_ref(self) -> str | None:
        buyer = self.root.find("cac:BuyerCustomerParty", NS)
        return _text(buyer, "cbc:SupplierAssignedAccountID") or _text(
            buyer, "cac:Party/cac:PartyIdentification/cbc:ID"
        )

    def date(self, parent: Element, path: str, key: str, *, required: bool = False) -> str | None:
        text = _text(parent, path)
        if text is None:
            if required:
                self.add(key, f"is missing: the element {path} is required")
            return None
        match = _XSD_DATE.fullmatch(text)
        try:
            if match is None:
                raise ValueError(text)
            return date.fromisoformat(match.group(1)).isoformat()
        except ValueError:
            self.add(key, f"must be a date in YYYY-MM-DD form, not {_shown(text)!r}")
            return None

    def delivery_period(self) -> tuple[str | None, str | None]:
        """(start, end) of the requested delivery period, header first, else the first line."""
        candidates: list[tuple[Element, str]] = [
            (delivery, "Delivery") for delivery in self.root.findall("cac:Delivery", NS)
        ]
        first_item = self.root.find("cac:OrderLine/cac:LineItem", NS)
        if first_item is not None:
            candidates.extend(
                (delivery, "OrderLine.1.Delivery")
                for delivery in first_item.findall("cac:Delivery", NS)
            )
        for delivery, key in candidates:
            period = delivery.find("cac:RequestedDeliveryPeriod", NS)
            if period is None:
                continue
            if _text(period, "cbc:StartDate") is None and _text(period, "cbc:EndDate") is None:
                continue
            prefix = f"{key}.RequestedDeliveryPeriod"
            start = self.date(period, "cbc:StartDate", f"{prefix}.StartDate")
            end = self.date(period, "cbc:EndDate", f"{prefix}.EndDate")
            return start, end
        return None, None

    def currency(self) -> str | None:
        code = _text(self.root, "cbc:DocumentCurrencyCode")
        if code is not None:
            return code
        for element in self.root.iter():
            stated = (element.get("currencyID") or "").strip()
            if stated:
                return stated
        self.add(
            "DocumentCurrencyCode",
            "is missing, and no amount names its currency (currencyID)",
        )
        return None

    def incoterm(self) -> dict[str, str] | None:
        for terms in self.root.findall("cac:DeliveryTerms", NS):
            ident = _text(terms, "cbc:ID")
            if ident is not None:
                break
        else:
            return None
        remainder = ""
        match = _INCOTERM_ID.fullmatch(ident)
        if match is not None and match.group(1).upper() in INCOTERMS_2020:
            code = match.group(1).upper()
            remainder = _INCOTERMS_SUFFIX.sub("", match.group(2)).strip()
            if remainder.casefold() in UCC_QUALIFIERS:
                remainder = ""
        else:
            code = ident
        location = terms.find("cac:DeliveryLocation", NS)
        place = (
            _text(location, "cac:Address/cbc:CityName")
            or remainder
            or _text(location, "cbc:Description")
            or _text(location, "cbc:Name")
            or _text(location, "cbc:ID")
        )
        return {"code": code, "place": place} if place else {"code": code}

    def payment_terms(self) -> dict[str, Any] | None:
        readings: list[dict[str, Any]] = []
        for terms in self.root.findall("cac:PaymentTerms", NS):
            for note in terms.findall("cbc:Note", NS):
                reading = _payment_note((note.text or "").strip())
                if reading is not None:
                    readings.append(reading)
            if terms.find("cbc:SettlementDiscountPercent", NS) is not None:
                continue
            duration = terms.find("cac:SettlementPeriod/cbc:DurationMeasure", NS)
            if duration is None or (duration.get("unitCode") or "").strip().upper() != "DAY":
                continue
            days = _decimal((duration.text or "").strip())
            if days is not None and days == days.to_integral_value() and days >= 0:
                readings.append({"net_days": int(days)})
        distinct = {tuple(sorted(reading.items())) for reading in readings}
        return readings[0] if len(distinct) == 1 else None

    def partial_shipment(self) -> bool | None:
        stated: list[bool] = []
        items = [
            (number, line.find("cac:LineItem", NS))
            for number, line in enumerate(self.root.findall("cac:OrderLine", NS), 1)
        ]
        for number, item in items:
            text = _text(item, "cbc:PartialDeliveryIndicator")
            if text is None:
                continue
            if text.lower() in ("true", "1"):
                stated.append(True)
            elif text.lower() in ("false", "0"):
                stated.append(False)
            else:
                self.add(
                    f"OrderLine.{number}.PartialDeliveryIndicator",
                    f"must be true or false, not {_shown(text)!r}",
                )
        if not stated:
            return None
        return any(stated)

    # -- lines ----------------------------------------------------------------------------

    def lines(self, currency: str | None) -> list[dict[str, Any]]:
        order_lines = self.root.findall("cac:OrderLine", NS)
        if not order_lines:
            self.add("OrderLine", "is missing: an order needs at least one cac:OrderLine")
        lines: list[dict[str, Any]] = []
        for number, order_line in enumerate(order_lines, 1):
            key = f"OrderLine.{number}"
            item = order_line.find("cac:LineItem", NS)
            if item is None:
                self.add(f"{key}.LineItem", "is missing: every order line needs a cac:LineItem")
                continue
            sku = _text(item, "cac:Item/cac:SellersItemIdentification/cbc:ID")
            if sku is None:
                self.add(
                    f"{key}.Item",
                    "has no SellersItemIdentification/ID, the seller's item number (SKU)",
                )
            quantity, quantity_unit = self.quantity(item, key)
            price = self.price(item, key, currency, quantity_unit)
            if sku is not None and quantity is not None and price is not None:
                lines.append({"sku": sku, "quantity": quantity, "unit_price": price})
        return lines

    def quantity(self, item: Element, key: str) -> tuple[int | None, str | None]:
        element = item.find("cbc:Quantity", NS)
        text = (element.text or "").strip() if element is not None else ""
        if element is None or not text:
            self.add(f"{key}.Quantity", "is missing: every line needs a cbc:Quantity")
            return None, None
        unit = (element.get("unitCode") or "").strip() or None
        value = _decimal(text)
        if value is None:
            self.add(f"{key}.Quantity", f"must be a number, not {_shown(text)!r}")
        elif value != value.to_integral_value():
            self.add(f"{key}.Quantity", f"must be a whole number of units, not {text}")
        elif value <= 0:
            self.add(f"{key}.Quantity", f"must be more than zero, not {text}")
        else:
            return int(value), unit
        return None, unit

    def price(
        self, item: Element, key: str, currency: str | None, quantity_unit: str | None
    ) -> str | None:
        price_key = f"{key}.Price"
        price = item.find("cac:Price", NS)
        amount_element = price.find("cbc:PriceAmount", NS) if price is not None else None
        amount_text = (amount_element.text or "").strip() if amount_element is not None else ""
        if price is None or amount_element is None or not amount_text:
            self.add(price_key, "is missing: the line needs cac:Price/cbc:PriceAmount")
            return None
        amount = _decimal(amount_text)
        if amount is None:
            shown = _shown(amount_text)
            self.add(price_key, f"PriceAmount must be a decimal number, not {shown!r}")
            return None
        stated = (amount_element.get("currencyID") or "").strip()
        if stated and currency is not None and stated.upper() != currency.upper():
            self.add(
                price_key,
                f"PriceAmount is in {_shown(stated)}, not the order's currency {_shown(currency)}",
            )
            return None

        base = Decimal(1)
        base_element = price.find("cbc:BaseQuantity", NS)
        base_text = (base_element.text or "").strip() if base_element is not None else ""
        if base_element is not None and base_text:
            parsed = _decimal(base_text)
            if parsed is None or parsed <= 0:
                shown = _shown(base_text)
                self.add(price_key, f"BaseQuantity must be a number above zero, not {shown!r}")
                return None
            base = parsed
            base_unit = (base_element.get("unitCode") or "").strip()
            if base_unit and quantity_unit and base_unit.upper() != quantity_unit.upper():
                self.add(
                    price_key,
                    f"BaseQuantity is in {_shown(base_unit)} but the Quantity in "
                    f"{_shown(quantity_unit)}; the unit price cannot be worked out",
                )
                return None
        try:
            return unit_price(amount, base)
        except (InvalidOperation, ArithmeticError):
            self.add(price_key, "PriceAmount ÷ BaseQuantity is too large")
            return None


def _payment_note(note: str) -> dict[str, Any] | None:
    """The payment terms a note states exactly ("Net 30", "2/10 net 30"), else None."""
    match = _NET.fullmatch(note) or _DAYS_NET.fullmatch(note)
    if match is not None:
        return {"net_days": int(match.group(1))}
    match = _DISCOUNT_NET.fullmatch(note)
    if match is not None:
        return {
            "net_days": int(match.group(3)),
            "early_discount_percent": match.group(1),
            "early_discount_days": int(match.group(2)),
        }
    return None

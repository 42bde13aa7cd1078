"""Small UBL Order documents for the intake tests."""

ORDER_NS = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

DEFAULT_HEADER = """
  <cbc:ID>PO-5521</cbc:ID>
  <cbc:IssueDate>2026-12-15</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>USD</cbc:DocumentCurrencyCode>
  <cac:BuyerCustomerParty>
    <cbc:SupplierAssignedAccountID>CRM-0042</cbc:SupplierAssignedAccountID>
  </cac:BuyerCustomerParty>
"""


def line(
    sku: str | None = "A-100",
    quantity: str | None = "120",
    price: str | None = "9.00",
    base: str | None = None,
    *,
    quantity_unit: str = "EA",
    base_unit: str = "EA",
    price_currency: str = "USD",
    extra: str = "",
) -> str:
    parts = []
    if quantity is not None:
        parts.append(f'<cbc:Quantity unitCode="{quantity_unit}">{quantity}</cbc:Quantity>')
    parts.append(extra)
    if price is not None:
        base_xml = (
            f'<cbc:BaseQuantity unitCode="{base_unit}">{base}</cbc:BaseQuantity>'
            if base is not None
            else ""
        )
        parts.append(
            f'<cac:Price><cbc:PriceAmount currencyID="{price_currency}">{price}</cbc:PriceAmount>'
            f"{base_xml}</cac:Price>"
        )
    if sku is not None:
        parts.append(
            "<cac:Item><cac:SellersItemIdentification>"
            f"<cbc:ID>{sku}</cbc:ID></cac:SellersItemIdentification></cac:Item>"
        )
    item = f"<cac:LineItem><cbc:ID>1</cbc:ID>{''.join(parts)}</cac:LineItem>"
    return f"<cac:OrderLine>{item}</cac:OrderLine>"


def document(*lines: str, header: str = DEFAULT_HEADER, after_header: str = "") -> bytes:
    body = "".join(lines) if lines else line()
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Order xmlns="{ORDER_NS}" xmlns:cac="{CAC}" xmlns:cbc="{CBC}">'
        f"{header}{after_header}{body}</Order>"
    ).encode()


def no_lines(header: str = DEFAULT_HEADER, after_header: str = "") -> bytes:
    return (
        f'<Order xmlns="{ORDER_NS}" xmlns:cac="{CAC}" xmlns:cbc="{CBC}">'
        f"{header}{after_header}</Order>"
    ).encode()

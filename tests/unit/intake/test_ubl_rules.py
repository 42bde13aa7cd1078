"""How the parts of a UBL Order become the fields of an order, one rule at a time."""

import pytest

from app.intake import IntakeError, order_from_ubl

from .ubl_builders import CAC, CBC, DEFAULT_HEADER, document, line, no_lines

HEADER_WITHOUT_CURRENCY = DEFAULT_HEADER.replace(
    "<cbc:DocumentCurrencyCode>USD</cbc:DocumentCurrencyCode>", ""
)


def refused(data: bytes) -> IntakeError:
    with pytest.raises(IntakeError) as caught:
        order_from_ubl(data)
    return caught.value


def only_line(data: bytes) -> dict:
    (result,) = order_from_ubl(data)["lines"]
    return result


# -- the header ---------------------------------------------------------------------------------


def test_a_minimal_order_maps_to_the_json_order_shape():
    assert order_from_ubl(document()) == {
        "account_ref": "CRM-0042",
        "po_number": "PO-5521",
        "order_date": "2026-12-15",
        "requested_ship_date": "2026-12-15",
        "currency": "USD",
        "lines": [{"sku": "A-100", "quantity": 120, "unit_price": "9.00"}],
    }


def test_without_a_requested_delivery_period_the_ship_date_is_the_order_date():
    order = order_from_ubl(document())

    assert order["requested_ship_date"] == order["order_date"] == "2026-12-15"
    assert "promised_delivery_date" not in order


def test_an_issue_date_with_a_time_zone_is_read_as_its_date():
    header = DEFAULT_HEADER.replace("2026-12-15", "2026-12-15+02:00")

    assert order_from_ubl(document(header=header))["order_date"] == "2026-12-15"


def test_an_issue_date_that_is_not_a_date_is_named():
    header = DEFAULT_HEADER.replace("2026-12-15", "15/12/2026")

    error = refused(document(header=header))

    assert error.status == 422
    assert error.errors == {"IssueDate": ["must be a date in YYYY-MM-DD form, not '15/12/2026'"]}


def test_missing_id_issue_date_and_lines_are_all_named_at_once():
    header = "<cbc:DocumentCurrencyCode>USD</cbc:DocumentCurrencyCode>"

    error = refused(no_lines(header=header))

    assert error.status == 422
    assert set(error.errors) == {"ID", "IssueDate", "OrderLine"}


def test_the_currency_falls_back_to_the_first_amounts_currency_id():
    assert order_from_ubl(document(header=HEADER_WITHOUT_CURRENCY))["currency"] == "USD"


def test_an_order_that_names_no_currency_anywhere_is_refused():
    data = document(header=HEADER_WITHOUT_CURRENCY).replace(b' currencyID="USD"', b"")

    assert "DocumentCurrencyCode" in refused(data).errors


def test_the_account_falls_back_to_the_buyers_party_identification():
    header = DEFAULT_HEADER.replace(
        "<cbc:SupplierAssignedAccountID>CRM-0042</cbc:SupplierAssignedAccountID>",
        "<cac:Party><cac:PartyIdentification><cbc:ID>GLN-1</cbc:ID></cac:PartyIdentification>"
        "<cac:PartyIdentification><cbc:ID>GLN-2</cbc:ID></cac:PartyIdentification></cac:Party>",
    )

    assert order_from_ubl(document(header=header))["account_ref"] == "GLN-1"


def test_an_order_without_buyer_account_or_contract_leaves_both_out():
    header = DEFAULT_HEADER.split("<cac:BuyerCustomerParty>")[0]

    order = order_from_ubl(document(header=header))

    assert "account_ref" not in order
    assert "contract_ref" not in order


def test_a_contract_id_is_passed_on_as_contract_ref():
    contract = "<cac:Contract><cbc:ID>OPP-981</cbc:ID></cac:Contract>"

    assert order_from_ubl(document(after_header=contract))["contract_ref"] == "OPP-981"


def test_the_header_requested_delivery_period_gives_ship_and_delivery_dates():
    delivery = (
        "<cac:Delivery><cac:RequestedDeliveryPeriod><cbc:StartDate>2026-12-18</cbc:StartDate>"
        "<cbc:EndDate>2026-12-22</cbc:EndDate></cac:RequestedDeliveryPeriod></cac:Delivery>"
    )

    order = order_from_ubl(document(after_header=delivery))

    assert order["requested_ship_date"] == "2026-12-18"
    assert order["promised_delivery_date"] == "2026-12-22"


def test_without_a_header_period_the_first_lines_delivery_period_is_used():
    first = line(
        extra="<cac:Delivery><cac:RequestedDeliveryPeriod><cbc:StartDate>2026-12-20</cbc:StartDate>"
        "<cbc:EndDate>2026-12-28</cbc:EndDate></cac:RequestedDeliveryPeriod></cac:Delivery>"
    )
    second = line(
        "B-200",
        extra="<cac:Delivery><cac:RequestedDeliveryPeriod><cbc:StartDate>2027-01-05</cbc:StartDate>"
        "</cac:RequestedDeliveryPeriod></cac:Delivery>",
    )

    order = order_from_ubl(document(first, second))

    assert (order["requested_ship_date"], order["promised_delivery_date"]) == (
        "2026-12-20",
        "2026-12-28",
    )


def test_a_period_with_only_an_end_date_ships_on_the_order_date():
    delivery = (
        "<cac:Delivery><cac:RequestedDeliveryPeriod><cbc:EndDate>2026-12-22</cbc:EndDate>"
        "</cac:RequestedDeliveryPeriod></cac:Delivery>"
    )

    order = order_from_ubl(document(after_header=delivery))

    assert (order["requested_ship_date"], order["promised_delivery_date"]) == (
        "2026-12-15",
        "2026-12-22",
    )


def test_a_bad_delivery_date_is_named_by_its_element():
    delivery = (
        "<cac:Delivery><cac:RequestedDeliveryPeriod><cbc:StartDate>2026-02-30</cbc:StartDate>"
        "</cac:RequestedDeliveryPeriod></cac:Delivery>"
    )

    error = refused(document(after_header=delivery))

    assert list(error.errors) == ["Delivery.RequestedDeliveryPeriod.StartDate"]


# -- delivery terms -------------------------------------------------------------------------------


def delivery_terms(ident: str, location: str = "") -> str:
    return f"<cac:DeliveryTerms><cbc:ID>{ident}</cbc:ID>{location}</cac:DeliveryTerms>"


def incoterm_of(ident: str, location: str = "") -> dict | None:
    return order_from_ubl(document(after_header=delivery_terms(ident, location))).get("incoterm")


def test_an_incoterms_code_in_any_case_is_read_in_capitals_with_the_city_as_place():
    location = (
        "<cac:DeliveryLocation><cac:Address><cbc:CityName>Oakland</cbc:CityName></cac:Address>"
        "</cac:DeliveryLocation>"
    )

    assert incoterm_of("fob", location) == {"code": "FOB", "place": "Oakland"}


def test_the_rest_of_the_delivery_terms_id_is_the_place_when_no_city_is_given():
    assert incoterm_of("FCA Reno") == {"code": "FCA", "place": "Reno"}
    assert incoterm_of("CIF Rotterdam Incoterms 2020") == {"code": "CIF", "place": "Rotterdam"}


def test_a_code_without_any_place_is_passed_on_with_the_code_alone():
    assert incoterm_of("DAP") == {"code": "DAP"}
    assert incoterm_of("FOB Destination") == {"code": "FOB"}


def test_a_word_that_merely_starts_with_a_code_is_not_that_code():
    assert incoterm_of("FOBX Oakland") == {"code": "FOBX Oakland"}


def test_a_delivery_term_outside_incoterms_2020_is_passed_on_whole():
    location = "<cac:DeliveryLocation><cbc:ID>STO</cbc:ID></cac:DeliveryLocation>"

    assert incoterm_of("Free on truck", location) == {"code": "Free on truck", "place": "STO"}


def test_delivery_terms_without_an_id_give_no_incoterm():
    terms = "<cac:DeliveryTerms><cbc:SpecialTerms>late fee</cbc:SpecialTerms></cac:DeliveryTerms>"

    assert "incoterm" not in order_from_ubl(document(after_header=terms))


# -- payment terms --------------------------------------------------------------------------------


def payment_terms_of(*terms: str) -> dict | None:
    xml = "".join(f"<cac:PaymentTerms>{part}</cac:PaymentTerms>" for part in terms)
    return order_from_ubl(document(after_header=xml)).get("payment_terms")


@pytest.mark.parametrize("note", ["Net 45", "net45", "NET 45 days", "45 days net", "Net 45 days."])
def test_a_note_stating_net_days_gives_payment_terms(note):
    assert payment_terms_of(f"<cbc:Note>{note}</cbc:Note>") == {"net_days": 45}


def test_a_two_ten_net_thirty_note_gives_the_early_payment_discount():
    assert payment_terms_of("<cbc:Note>2/10 net 30</cbc:Note>") == {
        "net_days": 30,
        "early_discount_percent": "2",
        "early_discount_days": 10,
    }


def test_a_settlement_period_in_days_gives_net_days():
    period = '<cac:SettlementPeriod><cbc:DurationMeasure unitCode="DAY">60</cbc:DurationMeasure>'

    assert payment_terms_of(f"{period}</cac:SettlementPeriod>") == {"net_days": 60}


def test_a_settlement_period_with_a_settlement_discount_is_not_read_as_net_days():
    period = (
        "<cbc:SettlementDiscountPercent>2</cbc:SettlementDiscountPercent><cac:SettlementPeriod>"
        '<cbc:DurationMeasure unitCode="DAY">10</cbc:DurationMeasure></cac:SettlementPeriod>'
    )

    assert payment_terms_of(period) is None


@pytest.mark.parametrize(
    "terms",
    [
        ("<cbc:Note>Payment by BACS or cheque</cbc:Note>",),
        ("<cbc:Note>Net 30</cbc:Note>", "<cbc:Note>Net 60</cbc:Note>"),
        (
            "<cac:SettlementPeriod><cbc:DurationMeasure unitCode='MON'>1</cbc:DurationMeasure>"
            "</cac:SettlementPeriod>",
        ),
    ],
    ids=["free text", "two different readings", "months"],
)
def test_payment_terms_that_cannot_be_read_reliably_are_left_out(terms):
    assert payment_terms_of(*terms) is None


# -- partial shipment -----------------------------------------------------------------------------


def partial(value: str) -> str:
    return f"<cbc:PartialDeliveryIndicator>{value}</cbc:PartialDeliveryIndicator>"


def test_partial_delivery_allowed_on_any_line_requests_partial_shipment():
    data = document(line(extra=partial("false")), line("B-200", extra=partial("true")))

    assert order_from_ubl(data)["partial_shipment"] is True


def test_partial_delivery_refused_on_every_line_is_false():
    assert order_from_ubl(document(line(extra=partial("false"))))["partial_shipment"] is False


def test_a_partial_delivery_indicator_that_is_not_a_boolean_is_named():
    error = refused(document(line(), line(extra=partial("maybe"))))

    assert list(error.errors) == ["OrderLine.2.PartialDeliveryIndicator"]


# -- lines ----------------------------------------------------------------------------------------


def test_lines_keep_their_order():
    data = document(line("A-100", "1", "9.00"), line("B-200", "2", "3.50"), line("A-100", "3"))

    assert [(x["sku"], x["quantity"]) for x in order_from_ubl(data)["lines"]] == [
        ("A-100", 1),
        ("B-200", 2),
        ("A-100", 3),
    ]


def test_a_whole_decimal_quantity_is_read_as_an_int():
    quantity = only_line(document(line(quantity="120.0")))["quantity"]

    assert quantity == 120
    assert type(quantity) is int


def test_a_fractional_quantity_is_an_error_naming_the_line():
    error = refused(document(line(), line(quantity="120.5")))

    assert error.status == 422
    assert error.errors == {"OrderLine.2.Quantity": ["must be a whole number of units, not 120.5"]}


@pytest.mark.parametrize("quantity", ["0", "-3", "twelve", "1e3", ""])
def test_a_quantity_that_is_not_a_positive_number_is_an_error(quantity):
    assert list(refused(document(line(quantity=quantity))).errors) == ["OrderLine.1.Quantity"]


def test_a_missing_quantity_is_an_error():
    assert list(refused(document(line(quantity=None))).errors) == ["OrderLine.1.Quantity"]


@pytest.mark.parametrize(
    ("price", "base", "expected"),
    [
        ("9.00", None, "9.00"),
        ("9.00", "1", "9.00"),
        ("10.00", "4", "2.50"),
        ("12.50", "1.0", "12.50"),
        ("1", "8", "0.125"),
        ("120", "12", "10"),
        ("50", "0.5", "100"),
        ("100", "3", "33.3333"),
        ("2", "3", "0.6667"),
    ],
)
def test_the_unit_price_is_the_price_amount_over_the_base_quantity(price, base, expected):
    assert only_line(document(line(price=price, base=base)))["unit_price"] == expected


def test_a_base_quantity_of_zero_is_an_error():
    assert list(refused(document(line(base="0"))).errors) == ["OrderLine.1.Price"]


def test_a_base_quantity_in_another_unit_than_the_quantity_is_an_error():
    error = refused(document(line(base="12", base_unit="DZN", quantity_unit="EA")))

    assert error.errors == {
        "OrderLine.1.Price": [
            "BaseQuantity is in DZN but the Quantity in EA; the unit price cannot be worked out"
        ]
    }


def test_a_price_in_another_currency_than_the_order_is_an_error():
    error = refused(document(line(price_currency="EUR")))

    assert error.errors == {
        "OrderLine.1.Price": ["PriceAmount is in EUR, not the order's currency USD"]
    }


def test_a_line_without_a_price_is_an_error():
    assert list(refused(document(line(price=None))).errors) == ["OrderLine.1.Price"]


@pytest.mark.parametrize("price", ["ten", "1.5e2", "NaN"])
def test_a_price_amount_that_is_not_a_decimal_is_an_error(price):
    assert list(refused(document(line(price=price))).errors) == ["OrderLine.1.Price"]


def test_a_line_identified_only_by_gtin_or_buyer_number_has_no_sku():
    item = (
        "<cac:Item><cac:BuyersItemIdentification><cbc:ID>6578489</cbc:ID>"
        "</cac:BuyersItemIdentification><cac:StandardItemIdentification>"
        "<cbc:ID>1234567890123</cbc:ID></cac:StandardItemIdentification></cac:Item>"
    )

    error = refused(document(line(sku=None, extra=item)))

    assert list(error.errors) == ["OrderLine.1.Item"]


def test_an_order_line_without_a_line_item_is_named():
    data = document(line(), "<cac:OrderLine><cbc:Note>empty</cbc:Note></cac:OrderLine>")

    assert list(refused(data).errors) == ["OrderLine.2.LineItem"]


def test_every_line_problem_is_reported_at_once():
    data = document(line(quantity="1.5"), line(sku=None), line(price=None))

    assert set(refused(data).errors) == {
        "OrderLine.1.Quantity",
        "OrderLine.2.Item",
        "OrderLine.3.Price",
    }


# -- the document ---------------------------------------------------------------------------------


def test_a_ubl_invoice_is_not_an_order():
    data = (
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">'
        b"<ID>1</ID></Invoice>"
    )

    error = refused(data)

    assert error.status == 422
    assert error.errors == {"document": ["The document is a UBL Invoice, not an Order."]}


def test_an_order_element_outside_the_ubl_namespace_is_not_a_ubl_order():
    error = refused(b"<Order><ID>1</ID></Order>")

    assert error.status == 422
    assert "not the UBL Order namespace" in error.errors["document"][0]


def test_any_other_xml_document_is_not_an_order():
    error = refused(f'<Catalogue xmlns:cbc="{CBC}" xmlns:cac="{CAC}"/>'.encode())

    assert error.status == 422
    assert error.errors["document"][0].startswith("The root element is Catalogue")


def test_the_result_holds_only_json_values():
    order = order_from_ubl(document(line(price="100", base="3")))

    def json_types(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and json_types(v) for k, v in value.items())
        if isinstance(value, list):
            return all(json_types(v) for v in value)
        return isinstance(value, str | int | bool)

    assert json_types(order)

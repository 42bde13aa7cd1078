"""The OASIS UBL sample documents in /work/shared/realdata/ubl, read as orders."""

from pathlib import Path

import pytest

from app.intake import IntakeError, order_from_ubl

SAMPLES = Path("/work/shared/realdata/ubl")

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="the shared UBL samples are absent")


def read(name: str) -> dict:
    return order_from_ubl((SAMPLES / name).read_bytes())


def refusal(name: str) -> IntakeError:
    with pytest.raises(IntakeError) as caught:
        read(name)
    return caught.value


def test_the_ubl_2_1_example_maps_every_field_we_use():
    order = read("UBL-Order-2.1-Example.xml")

    assert order == {
        "account_ref": "7300070011115",
        "contract_ref": "34322",
        "po_number": "34",
        "order_date": "2010-01-20",
        "requested_ship_date": "2010-02-10",
        "promised_delivery_date": "2010-02-25",
        "currency": "SEK",
        "incoterm": {"code": "FOT", "place": "STO"},
        "partial_shipment": False,
        "lines": [
            {"sku": "SItemNo001", "quantity": 120, "unit_price": "50"},
            {"sku": "SItemNo011", "quantity": 15, "unit_price": "15"},
        ],
    }


def test_the_2_1_example_takes_the_first_party_identification_when_no_account_id_is_given():
    # BuyerCustomerParty has no SupplierAssignedAccountID; of its two PartyIdentification IDs
    # (a GLN and "PartyID123") the first one is the account reference.
    assert read("UBL-Order-2.1-Example.xml")["account_ref"] == "7300070011115"


def test_the_fot_delivery_term_is_passed_on_as_its_raw_code_for_the_domain_to_refuse():
    # FOT (free on truck) is in the IMCOTERM code list but not an Incoterms 2020 rule.
    incoterm = read("UBL-Order-2.1-Example.xml")["incoterm"]

    assert incoterm["code"] == "FOT"
    assert incoterm["code"] not in {"EXW", "FCA", "FOB", "CIF", "DAP", "DDP"}


def test_the_ubl_2_0_example_uses_the_supplier_assigned_account_and_the_amounts_currency():
    order = read("UBL-Order-2.0-Example.xml")

    assert order == {
        "account_ref": "GT00978567",
        "po_number": "AEG012345",
        "order_date": "2005-06-20",
        "requested_ship_date": "2005-06-29",
        "promised_delivery_date": "2005-06-29",
        "currency": "GBP",
        "lines": [{"sku": "17589683", "quantity": 100, "unit_price": "100.00"}],
    }


def test_the_2_0_example_is_priced_from_the_price_not_from_its_wrong_line_extension_amount():
    # The line says LineExtensionAmount 100.00 for 100 KGM at 100.00 per 1 KGM (10,000.00):
    # the unit price is what the order states per unit.
    line = read("UBL-Order-2.0-Example.xml")["lines"][0]

    assert (line["quantity"], line["unit_price"]) == (100, "100.00")


def test_the_2_0_example_has_no_incoterm_when_its_delivery_terms_have_only_special_terms():
    order = read("UBL-Order-2.0-Example.xml")

    assert "incoterm" not in order
    assert "payment_terms" not in order
    assert "partial_shipment" not in order


def test_the_international_example_reads_fob_destination_as_fob_at_the_named_location():
    order = read("UBL-Order-2.0-Example-International.xml")

    assert order["incoterm"] == {"code": "FOB", "place": "Felixstowe"}
    assert order["currency"] == "USD"
    assert order["account_ref"] == "GT00978567"
    assert (order["requested_ship_date"], order["promised_delivery_date"]) == (
        "2005-06-29",
        "2005-06-30",
    )
    assert order["lines"] == [{"sku": "17589683", "quantity": 100, "unit_price": "10.00"}]


def test_the_committees_valid_test_order_is_read():
    order = read("order-test-good.xml")

    assert order["po_number"] == "AEG012345"
    assert order["order_date"] == "2005-06-20"
    assert order["currency"] == "GBP"
    assert order["account_ref"] == "GT00978567"
    assert order["lines"] == [{"sku": "17589683", "quantity": 100, "unit_price": "100.00"}]


def test_a_schema_invalid_but_well_formed_order_is_read_like_the_valid_one():
    # order-test-bad-model.xml differs only by an element the schema does not allow, inside a
    # contact's OtherCommunication: not a part we read, so the order is accepted as it stands.
    assert read("order-test-bad-model.xml") == read("order-test-good.xml")


def test_a_malformed_test_order_is_a_400_naming_the_line():
    error = refusal("order-test-bad-syntax.xml")

    assert error.status == 400
    assert "not well-formed" in error.errors["document"][0]
    assert "line 50" in error.errors["document"][0]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("UBL-OrderChange-2.1-Example.xml", "OrderChange"),
        ("UBL-OrderCancellation-2.1-Example.xml", "OrderCancellation"),
    ],
)
def test_the_follow_up_documents_of_ordering_are_422_not_an_order(name, kind):
    error = refusal(name)

    assert error.status == 422
    assert error.errors == {"document": [f"The document is a UBL {kind}, not an Order."]}

"""Orders as customers really send them: UBL documents from the OASIS committee's samples, and
batches of CSV and JSON Lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.api.builders import make_world

UBL = Path(__file__).resolve().parents[2].parent / "shared" / "realdata" / "ubl"


@pytest.fixture
def world(app, client):
    return make_world(app, client)


def _deal_for(world, *, ref: str, currency: str, terms: list, contract: str | None = None,
              closed: str = "2005-01-03T12:00:00Z", first_shipment: str = "2010-12-31") -> dict:
    account = world.sales.post("/api/v1/accounts", {"name": f"Buyer {ref}",
                                                    "external_ref": ref}).json
    made = world.sales.post("/api/v1/deals", {
        "account_id": account["id"], "title": "Framework", "external_ref": contract,
        "currency": currency, "closed_at": closed, "first_shipment_date": first_shipment,
        "account_manager_id": world.ids["account_manager"],
        "fulfillment_lead_id": world.ids["fulfillment"], "terms": terms})
    assert made.status_code == 201, made.json
    return made.json


def _post_xml(world, name: str):
    return world.fulfillment.post("/api/v1/orders/check", data=(UBL / name).read_bytes(),
                                  headers={"Content-Type": "application/xml"})


def test_the_ubl_2_1_sample_is_checked_and_its_fot_delivery_term_flagged(world):
    _deal_for(world, ref="7300070011115", currency="SEK", contract="34322", terms=[
        {"kind": "unit_price", "params": {"sku": "SItemNo001", "price": "50"}},
        {"kind": "unit_price", "params": {"sku": "SItemNo011", "price": "15"}},
        {"kind": "incoterm", "params": {"code": "FCA", "place": "Stockholm"}}])

    response = _post_xml(world, "UBL-Order-2.1-Example.xml")

    assert response.status_code == 200, response.json
    body = response.json
    assert body["po_number"] == "34"
    incoterm = [d for d in body["deviations"] if d["code"] == "INCOTERM_MISMATCH"]
    assert incoterm and incoterm[0]["actual"] == "FOT STO"
    assert not [d for d in body["deviations"] if d["line"] == 0 and d["field"] == "unit_price"]


def test_the_international_ubl_2_0_sample_honouring_its_terms_is_clear(world):
    deal = _deal_for(world, ref="GT00978567", currency="USD", terms=[
        {"kind": "unit_price", "params": {"sku": "17589683", "price": "10.00"}},
        {"kind": "incoterm", "params": {"code": "FOB", "place": "Felixstowe"}}])
    held = world.account_manager.post(f"/api/v1/deals/{deal['id']}/kickoff/held",
                                      {"held_at": "2005-06-01T15:00:00Z"})
    assert held.status_code == 200, held.json

    response = _post_xml(world, "UBL-Order-2.0-Example-International.xml")

    assert response.status_code == 200, response.json
    assert response.json["status"] == "clear", response.json["deviations"]


def test_a_ubl_order_whose_buyer_is_unknown_is_kept_as_blocked_unknown_deal(world):
    response = _post_xml(world, "order-test-good.xml")

    assert response.status_code == 200
    assert response.json["status"] == "blocked"
    assert [d["code"] for d in response.json["deviations"]] == ["UNKNOWN_DEAL"]


@pytest.mark.parametrize("name", ["UBL-OrderChange-2.1-Example.xml",
                                  "UBL-OrderCancellation-2.1-Example.xml"])
def test_follow_up_documents_are_not_orders(world, name):
    response = _post_xml(world, name)

    assert response.status_code == 422
    assert "document" in response.json["errors"]


def test_malformed_xml_is_refused_and_nothing_is_stored(world):
    response = _post_xml(world, "order-test-bad-syntax.xml")

    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert world.fulfillment.get("/api/v1/orders").json["total"] == 0


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2">&lol3;</Order>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE o [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>&x;</ID></Order>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_hostile_xml_is_refused_with_400_and_stores_nothing(world, document):
    response = world.fulfillment.post("/api/v1/orders/check", data=document,
                                      headers={"Content-Type": "application/xml"})

    assert response.status_code == 400
    assert "passwd" not in response.get_data(as_text=True)
    assert world.fulfillment.get("/api/v1/orders").json["total"] == 0


def _spec_deal(world) -> dict:
    return _deal_for(world, ref="CRM-0042", currency="USD", closed="2026-11-20T17:00:00Z",
                     first_shipment="2026-12-14", terms=[
                         {"kind": "unit_price", "params": {"sku": "A-100", "price": "9.00"}}])


def _order(deal_id: int, po: str, price: str) -> dict:
    return {"deal_id": deal_id, "po_number": po, "order_date": "2026-12-01",
            "requested_ship_date": "2026-12-04", "currency": "USD",
            "lines": [{"sku": "A-100", "quantity": 10, "unit_price": price}]}


def test_a_json_lines_batch_checks_every_order_and_reports_a_bad_line(world):
    deal = _spec_deal(world)
    lines = [json.dumps(_order(deal["id"], "PO-1", "9.00")), "{not json",
             json.dumps(_order(deal["id"], "PO-2", "10.00"))]
    upload = {"file": (io.BytesIO("\n".join(lines).encode()), "orders.jsonl")}

    response = world.fulfillment.post("/api/v1/orders/check-batch", data=upload,
                                      content_type="multipart/form-data")

    assert response.status_code == 200, response.json
    assert response.json["summary"]["by_status"] == {"clear": 1, "invalid": 1, "blocked": 1}
    assert response.json["summary"]["by_code"] == {"PRICE_ABOVE_AGREED": 1}
    assert [r["index"] for r in response.json["results"]] == [1, 2, 3]


def test_a_csv_batch_makes_one_order_of_consecutive_rows(world):
    deal = _spec_deal(world)
    csv = ("deal_id,po_number,order_date,requested_ship_date,currency,sku,quantity,unit_price\n"
           f"{deal['id']},PO-9,2026-12-01,2026-12-04,USD,A-100,10,9.00\n"
           f"{deal['id']},PO-9,,,,A-100,5,9.00\n")

    response = world.fulfillment.post("/api/v1/orders/check-batch", data=csv,
                                      headers={"Content-Type": "text/csv"})

    assert response.status_code == 200, response.json
    assert response.json["summary"] == {"orders": 1, "by_status": {"clear": 1}, "by_code": {}}
    order = world.fulfillment.get(f"/api/v1/orders/{response.json['results'][0]['order_id']}")
    assert [line["quantity"] for line in order.json["order"]["lines"]] == [10, 5]

"""Fulfillment's pages: checking an order pasted, as a UBL document or a batch file; the
queue of orders waiting for someone; an order with each deviation beside its line; release,
hold and override with a reason."""

from __future__ import annotations

import io
import json
from typing import Any

from app.db.models import AuditEvent, OrderCheck, OrderDecision, OrderRecord
from app.extensions import db
from tests.web.conftest import Browser, count_of, text_of

ACME = 1  # the demo's "Acme 2027 supply": A-100 at 10.00 up to 99 units, net 45, FOB Oakland


def _order(**fields: Any) -> dict[str, Any]:
    order = {"deal_id": ACME, "po_number": "PO-9001", "order_date": "2026-11-20",
             "requested_ship_date": "2026-11-27", "currency": "USD",
             "payment_terms": {"net_days": 45}, "incoterm": {"code": "FOB", "place": "Oakland"},
             "lines": [{"sku": "C-300", "quantity": 4, "unit_price": "6.25"},
                       {"sku": "A-100", "quantity": 50, "unit_price": "11.00"}]}
    return order | fields


def _check(browser: Browser, order: dict[str, Any]) -> Any:
    return browser.post("/orders/check", {"order_json": json.dumps(order)})


def _order_id(browser: Browser, po: str) -> int:
    with browser.app.app_context():
        record = db.session.query(OrderRecord).filter_by(po_number=po).one()
        return record.id


def test_a_pasted_order_is_checked_and_each_deviation_shows_beside_its_line(
        browser: Browser) -> None:
    browser.sign_in("fred")
    response = _check(browser, _order())
    assert response.status_code == 302
    page = browser.client.get(response.headers["Location"])
    text = text_of(page)
    assert "Order PO-9001 checked against terms version 1: blocked." in text
    line_1 = text.split("Line 1:")[1].split("Line 2:")[0]
    line_2 = text.split("Line 2:")[1].split("Questions to the salesperson")[0]
    assert "As agreed." in line_1
    assert "Price above agreed" in line_2
    assert "Unit price 11.00 USD of A-100 is above" in line_2
    assert "Agreed: 10.00 · on the order: 11.00" in line_2
    whole = text.split("The order as a whole")[1].split("Lines")[0]
    assert "Manual review" in whole and "Customer logo on every carton" in whole
    assert "Payment terms Net 45 days" in whole and "Incoterm FOB Oakland" in whole


def test_json_that_is_not_an_order_is_refused_beside_the_field_and_nothing_is_stored(
        browser: Browser) -> None:
    browser.sign_in("fred")
    before = count_of(browser, OrderCheck)
    broken = browser.post("/orders/check", {"order_json": '{"deal_id": 1, "po_number": '})
    assert broken.status_code == 422
    assert "This is not JSON" in text_of(broken)
    assert 'id="order_json-errors"' in broken.get_data(as_text=True)
    money_as_number = _check(browser, _order(lines=[{"sku": "A-100", "quantity": 5,
                                                     "unit_price": 10.0}]))
    assert money_as_number.status_code == 422
    assert "lines.0.unit_price" in text_of(money_as_number)
    assert "The order was not checked" in text_of(money_as_number)
    nothing = browser.post("/orders/check", {"order_json": ""})
    assert nothing.status_code == 422
    assert "Paste an order, or choose a file, to check." in text_of(nothing)
    assert count_of(browser, OrderCheck) == before


UBL = """<?xml version="1.0" encoding="UTF-8"?>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"
       xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
       xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">
  <cbc:ID>UBL-77</cbc:ID>
  <cbc:IssueDate>2026-11-20</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>USD</cbc:DocumentCurrencyCode>
  <cac:BuyerCustomerParty><cbc:SupplierAssignedAccountID>CRM-0107</cbc:SupplierAssignedAccountID></cac:BuyerCustomerParty>
  <cac:OrderLine><cac:LineItem><cbc:ID>1</cbc:ID><cbc:Quantity>10</cbc:Quantity>
    <cac:Price><cbc:PriceAmount currencyID="USD">19.50</cbc:PriceAmount></cac:Price>
    <cac:Item><cac:SellersItemIdentification><cbc:ID>A-200</cbc:ID></cac:SellersItemIdentification></cac:Item>
  </cac:LineItem></cac:OrderLine>
</Order>"""


def test_an_uploaded_ubl_order_is_checked_like_a_pasted_one(browser: Browser) -> None:
    browser.sign_in("fred")
    response = browser.post("/orders/check", {
        "file": (io.BytesIO(UBL.encode()), "order.xml")}, content_type="multipart/form-data",
        token_from="/orders/check")
    assert response.status_code == 302, text_of(response)
    page = text_of(browser.client.get(response.headers["Location"]))
    assert "Order UBL-77" in page
    assert "Nordic Hardware AB: Nordic framework 2027" in page
    assert "Discount not applied" in page  # 7.5% off widgets was agreed
    assert "Received as a UBL document" in page


def test_hostile_xml_is_refused_with_its_reason_and_nothing_is_stored(browser: Browser) -> None:
    browser.sign_in("fred")
    before = count_of(browser, OrderRecord)
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Order>&a;</Order>'
    response = browser.post("/orders/check", {"file": (io.BytesIO(bomb), "evil.xml")},
                            content_type="multipart/form-data", token_from="/orders/check")
    assert response.status_code == 422
    assert 'id="file-errors"' in response.get_data(as_text=True)
    assert count_of(browser, OrderRecord) == before


def test_a_csv_batch_is_checked_and_each_order_listed_with_its_deviations(
        browser: Browser) -> None:
    browser.sign_in("fred")
    csv = ("deal_id,po_number,order_date,requested_ship_date,currency,sku,quantity,unit_price\n"
           "1,B-1,2026-11-20,2026-11-27,USD,A-100,10,10.00\n"
           "1,B-2,2026-11-20,2026-11-27,USD,A-100,10,12.00\n"
           "1,B-3,2026-11-20,not a date,USD,A-100,10,10.00\n")
    response = browser.post("/orders/check", {"file": (io.BytesIO(csv.encode()), "po.csv")},
                            content_type="multipart/form-data", token_from="/orders/check")
    assert response.status_code == 200
    page = text_of(response)
    assert "3 orders checked from po.csv" in page
    rows = page.split("Each order")[1]
    assert "B-2 blocked Price above agreed (line 1)" in rows
    assert "B-3 invalid" in rows and "requested_ship_date" in rows
    assert "Price above agreed 1" in page.split("Deviations")[1]


def test_a_file_that_is_no_batch_is_refused_with_its_columns_named(browser: Browser) -> None:
    browser.sign_in("fred")
    before = count_of(browser, OrderRecord)
    response = browser.post("/orders/check", {
        "file": (io.BytesIO(b"colour,size\nred,9\n"), "shirts.csv")},
        content_type="multipart/form-data", token_from="/orders/check")
    assert response.status_code == 422
    assert "columns" in text_of(response)
    assert count_of(browser, OrderRecord) == before


def test_the_queue_shows_what_waits_and_filters_like_the_api(browser: Browser) -> None:
    browser.sign_in("fred")
    page = text_of(browser.client.get("/orders"))
    for waiting in ("HMS-4106", "HMS-4107", "HMS-4109", "ACME-7001", "ACME-7002", "NH-2207"):
        assert waiting in page, waiting
    for done in ("HMS-4101", "HMS-4102", "HMS-4103", "HMS-4105"):
        assert done not in page, done  # clear, overridden or released: nothing waits
    assert "1 to review" in page.split("ACME-7001")[1]
    blocked = text_of(browser.client.get("/orders?waiting=false&status=blocked"))
    assert "HMS-4102" in blocked and "HMS-4107" in blocked and "HMS-4109" not in blocked
    by_code = text_of(browser.client.get("/orders?waiting=false&code=PAYMENT_TERMS_MISMATCH"))
    assert {"HMS-4103", "HMS-4109", "ACME-7002"} <= set(by_code.split())
    assert "HMS-4107" not in by_code
    bad = browser.client.get("/orders?status=lost&since=yesterday")
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="f-status-errors"' in html and 'id="f-since-errors"' in html


def test_holding_from_the_queue_needs_a_reason_and_keeps_it_on_the_order(
        browser: Browser) -> None:
    browser.sign_in("fred")
    order_id = _order_id(browser, "HMS-4109")
    decisions = count_of(browser, OrderDecision)
    no_reason = browser.post(f"/orders/{order_id}/decision", {"action": "hold", "reason": " ",
                                                              "back": "/orders"},
                             token_from="/orders")
    assert no_reason.status_code == 422
    assert "Give the reason for the decision." in text_of(no_reason)
    assert f'id="reason-{order_id}-errors"' in no_reason.get_data(as_text=True)
    assert count_of(browser, OrderDecision) == decisions
    held = browser.post(f"/orders/{order_id}/decision", {
        "action": "hold", "reason": "Asking Sven about net 30", "back": "/orders?waiting=true"},
        token_from="/orders")
    assert held.status_code == 302
    assert held.headers["Location"] == "/orders?waiting=true"
    page = text_of(browser.client.get(f"/orders/{order_id}"))
    assert "held" in page.split("Decisions")[0]
    assert "Fred Ortiz hold Asking Sven about net 30" in page


def test_the_queue_never_sends_back_to_another_site(browser: Browser) -> None:
    browser.sign_in("fred")
    order_id = _order_id(browser, "HMS-4109")
    response = browser.post(f"/orders/{order_id}/decision", {
        "action": "hold", "reason": "Checking", "back": "https://evil.example/orders"},
        token_from="/orders")
    assert response.headers["Location"] == f"/orders/{order_id}"


def test_a_blocked_order_offers_fulfillment_hold_only_and_a_manager_the_override(
        browser: Browser) -> None:
    order_id = _order_id(browser, "HMS-4107")
    browser.sign_in("fred")
    page = text_of(browser.client.get(f"/orders/{order_id}"))
    assert "Hold the order" in page
    assert "Release the order" not in page and "Override the block" not in page
    refused = browser.post(f"/orders/{order_id}/decision", {
        "action": "override", "reason": "I think it is fine"}, token_from=f"/orders/{order_id}")
    assert refused.status_code == 403
    mia = Browser(browser.app, browser.app.test_client())
    mia.sign_in("mia")
    assert "Override the block" in text_of(mia.client.get(f"/orders/{order_id}"))
    done = mia.post(f"/orders/{order_id}/decision", {
        "action": "override", "reason": "Hank pays the higher price for the rush"},
        token_from=f"/orders/{order_id}")
    assert done.status_code == 302
    page = text_of(mia.client.get(f"/orders/{order_id}"))
    assert "Override the block" not in page
    assert "Mia Boss override Hank pays the higher price for the rush" in page
    with browser.app.app_context():
        event = db.session.query(AuditEvent).order_by(AuditEvent.seq.desc()).first()
        assert event is not None and event.action == "order.overridden"


def test_the_order_page_lists_every_check_and_decision(browser: Browser) -> None:
    browser.sign_in("fred")
    _check(browser, _order(po_number="PO-TWICE"))
    fixed = _order(po_number="PO-TWICE", lines=[{"sku": "A-100", "quantity": 50,
                                                 "unit_price": "10.00"}])
    response = _check(browser, fixed)
    page = text_of(browser.client.get(response.headers["Location"]))
    checks = page.split("Checks")[-1]
    assert checks.count("Price above agreed") == 1  # the first check only
    assert "blocked" in checks and "clear" in checks


def test_a_deal_links_to_its_orders(browser: Browser) -> None:
    browser.sign_in("ana")
    deal = browser.client.get("/deals/1").get_data(as_text=True)
    link = deal.split('">Orders of this deal')[0].rsplit('href="', 1)[1].replace("&amp;", "&")
    page = text_of(browser.client.get(link))
    assert "ACME-7001" in page and "ACME-7002" in page
    assert "HMS-" not in page and "NH-2207" not in page

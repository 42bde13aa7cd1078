"""The Word brief as the account manager downloads it."""

from __future__ import annotations

import io

import pytest
from docx import Document

from tests.api.builders import make_deal, make_products, make_world


@pytest.fixture
def world(app, client):
    world = make_world(app, client)
    make_products(world)
    return world


def _text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.footer.paragraphs]
        for table in section.footer.tables:
            parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _amend(world, deal: dict) -> dict:
    etag = world.sales.get(f"/api/v1/deals/{deal['id']}").headers["ETag"]
    intro = deal["terms_version"]["terms"][0]
    amended = world.sales.post(f"/api/v1/deals/{deal['id']}/amendments", {
        "reason": "Price cut agreed by phone with Jane Buyer", "effective_from": "2027-01-01",
        "replace": [{"term_id": intro["id"], "kind": "unit_price",
                     "params": {"sku": "A-100", "price": "9.50", "max_quantity": 99}}]},
        headers={"If-Match": etag})
    assert amended.status_code == 201, amended.json
    return amended.json


def test_the_brief_downloads_as_a_named_word_file_with_every_term(world):
    deal = make_deal(world)

    response = world.account_manager.get(f"/api/v1/deals/{deal['id']}/brief.docx")

    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert 'filename="' in response.headers["Content-Disposition"]
    assert "OPP-981" in response.headers["Content-Disposition"]
    text = _text(response.data)
    for expected in ("Acme Tools", "Acme 2027 supply", "10.00 USD", "9.00 USD",
                     "list price 12.00 USD", "Extended warranty", "DECLINED",
                     "Customer logo on every carton", "intro price",
                     deal["terms_version"]["digest"]):
        assert expected in text, expected


def test_version_pinning_shows_that_versions_values_and_digest(world):
    deal = make_deal(world)
    v2 = _amend(world, deal)

    newest = _text(world.account_manager.get(f"/api/v1/deals/{deal['id']}/brief.docx").data)
    first = _text(world.account_manager.get(
        f"/api/v1/deals/{deal['id']}/brief.docx?version=1").data)

    assert "9.50 USD" in newest and v2["digest"] in newest
    assert "9.50 USD" not in first
    assert "10.00 USD" in first and deal["terms_version"]["digest"] in first
    assert "Price cut agreed by phone" in newest
    assert "Price cut agreed by phone" not in first


def test_the_same_version_gives_the_same_bytes(world):
    deal = make_deal(world)
    url = f"/api/v1/deals/{deal['id']}/brief.docx?version=1"

    assert world.account_manager.get(url).data == world.account_manager.get(url).data


def test_an_unknown_version_is_404_and_a_brief_needs_a_sign_in(world):
    deal = make_deal(world)

    assert world.account_manager.get(
        f"/api/v1/deals/{deal['id']}/brief.docx?version=9").status_code == 404
    assert world.anonymous.get(f"/api/v1/deals/{deal['id']}/brief.docx").status_code == 401


def test_flask_brief_writes_the_file(world, app, tmp_path):
    deal = make_deal(world)
    target = tmp_path / "brief.docx"

    result = app.test_cli_runner().invoke(args=["brief", str(deal["id"]), "-o", str(target)])

    assert result.exit_code == 0, result.output
    assert "Acme 2027 supply" in _text(target.read_bytes())


EVERY_KIND = [
    {"kind": "unit_price", "params": {"sku": "A-100", "price": "10.00"}, "note": "intro"},
    {"kind": "discount", "params": {"percent": "7.5", "category": "gadgets"}},
    {"kind": "payment_terms", "params": {"net_days": 45}},
    {"kind": "incoterm", "params": {"code": "FOB", "place": "Oakland"}},
    {"kind": "shipping", "params": {"method": "ground", "carrier": "UPS", "freight": "prepaid"}},
    {"kind": "lead_time", "params": {"max_business_days": 7}},
    {"kind": "quantity_limits", "params": {"sku": "B-200", "multiple_of": 12}},
    {"kind": "volume_cap", "params": {"max_quantity": 5000, "period_start": "2026-11-01",
                                      "period_end": "2027-10-31"}},
    {"kind": "currency", "params": {"code": "USD"}},
    {"kind": "partial_shipments", "params": {"allowed": False}},
    {"kind": "option", "params": {"name": "extended_warranty", "sku": "WARR-EXT",
                                  "decision": "pending", "terms": "3 years parts and labour"}},
    {"kind": "clause", "params": {"text": "Pallets wrapped in clear film",
                                  "review_on_order": True}},
]


def test_the_brief_shows_a_term_of_every_kind_with_what_it_replaces(world):
    world.admin.put("/api/v1/standard-terms", {"terms": [
        {"kind": "payment_terms", "params": {"net_days": 30}},
        {"kind": "incoterm", "params": {"code": "EXW", "place": "Reno"}}]})
    deal = make_deal(world, terms=EVERY_KIND)

    text = _text(world.account_manager.get(f"/api/v1/deals/{deal['id']}/brief.docx").data)

    for term in deal["terms_version"]["terms"]:
        assert term["summary"].split(" (")[0] in text, term["kind"]
    for label in ("Unit price", "Discount off list price", "Payment terms", "Incoterm",
                  "Shipping", "Lead time", "Quantity limits", "Volume cap", "Currency",
                  "Partial shipments", "Option", "Clause"):
        assert label in text, label
    assert "Net 30 days" in text and "EXW Reno" in text
    assert "PENDING" in text
    assert "Pallets wrapped in clear film" in text

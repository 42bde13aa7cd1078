"""Order checks through the API: what fulfillment sees for every deviation code of the SPEC.

Each row of the table is a deal's terms, an order that breaks one of them and what the check
must say about it (code, severity, the term, the line, the field, expected and actual, and a
message naming the agreed value), and an order honouring the same terms, which must be clear.

The module shares one world (people and catalog, built once); every test closes deals of its
own for accounts of its own, so tests do not see each other's orders unless they list them, and
a test that changes a setting puts it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

from tests.api.builders import (
    World,
    amend,
    assert_problem,
    make_products,
    make_world,
    price_cut,
    spec_terms,
    stored_counts,
)
from tests.api.order_builders import (
    STATUS_OF,
    above_info,
    another_deal,
    check,
    codes,
    get_order,
    hold_kickoff,
    line,
    listed,
    new_deal,
    order_for,
    order_total,
    term_ids,
    the,
)


@pytest.fixture(scope="module")
def world(module_app: Flask) -> World:
    world = make_world(module_app, module_app.test_client())
    make_products(world)
    return world


SPEC_CODES = (
    "PRICE_ABOVE_AGREED", "PRICE_BELOW_AGREED", "DISCOUNT_NOT_APPLIED", "PAYMENT_TERMS_MISMATCH",
    "INCOTERM_MISMATCH", "SHIPPING_MISMATCH", "LEAD_TIME_EXCEEDED", "QUANTITY_BELOW_MIN",
    "QUANTITY_ABOVE_MAX", "QUANTITY_NOT_MULTIPLE", "CAP_EXCEEDED", "CURRENCY_MISMATCH",
    "PARTIAL_SHIPMENT_NOT_ALLOWED", "DECLINED_OPTION_ORDERED", "OPTION_DECISION_PENDING",
    "MANUAL_REVIEW", "KICKOFF_NOT_HELD", "TERM_NOT_IN_FORCE", "NO_AGREED_PRICE", "UNKNOWN_DEAL",
    "AMBIGUOUS_DEAL")

# --- terms used by the table -----------------------------------------------------------------

TIERS = [
    {"kind": "unit_price", "params": {"sku": "A-100", "price": "10.00", "max_quantity": 99},
     "note": "intro price"},
    {"kind": "unit_price", "params": {"sku": "A-100", "price": "9.00", "min_quantity": 100},
     "note": "volume price"},
]
PLAIN = [{"kind": "clause", "params": {"text": "Pallets shrink-wrapped"}, "note": "no review"}]
WIDGET_DISCOUNT = [{"kind": "discount", "params": {"percent": "10", "category": "widgets"},
                    "note": "10% off widgets"}]
CAP_PERIOD = {"period_start": "2026-11-01", "period_end": "2027-06-30"}


def term(kind: str, note: str = "agreed at close", **params: Any) -> list[dict[str, Any]]:
    return [{"kind": kind, "params": params, "note": note}]


@dataclass(frozen=True)
class Case:
    """A deal's terms, an order breaking one of them, and what fulfillment must be told.

    `breaking` and `honouring` replace fields of the default order (`order_for`);
    `broken_term` is the index of the broken term in `terms` (None: no term, as for the list
    price); `order_field` is the field of the order the deviation names; `says` holds pieces of
    the message that name the agreed value.
    """

    name: str
    terms: list[dict[str, Any]]
    breaking: dict[str, Any]
    code: str
    severity: str
    broken_term: int | None
    line: int | None
    order_field: str | None
    expected: str | None
    actual: str | None
    says: tuple[str, ...]
    honouring: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.name


CASES = [
    Case("unit price above the agreed tier", TIERS,
         {"lines": [line("A-100", 120, "9.50")]},
         "PRICE_ABOVE_AGREED", "block", 1, 0, "unit_price", "9.00", "9.50",
         ("9.50 USD", "9.00 USD for 100+ units"),
         {"lines": [line("A-100", 120, "9.00")]}),
    Case("unit price below the agreed tier", TIERS,
         {"lines": [line("A-100", 50, "9.00")]},
         "PRICE_BELOW_AGREED", "warn", 0, 0, "unit_price", "10.00", "9.00",
         ("10.00 USD for 1\N{EN DASH}99 units",),
         {"lines": [line("A-100", 50, "10.00")]}),
    Case("tier chosen by the SKU's total over all lines", TIERS,
         {"lines": [line("A-100", 60, "9.00"), line("B-200", 1, "40.00"),
                    line("A-100", 60, "10.00")]},
         "PRICE_ABOVE_AGREED", "block", 1, 2, "unit_price", "9.00", "10.00",
         ("9.00 USD for 100+ units",),
         {"lines": [line("A-100", 60, "9.00"), line("B-200", 1, "40.00"),
                    line("A-100", 60, "9.00")]}),
    Case("list price when no term prices the SKU", PLAIN,
         {"lines": [line("A-100", 10, "12.00"), line("B-200", 2, "45.00")]},
         "PRICE_ABOVE_AGREED", "block", None, 1, "unit_price", "40.00", "45.00",
         ("40.00 USD, the list price",),
         {"lines": [line("A-100", 10, "12.00"), line("B-200", 2, "40.00")]}),
    Case("discount not applied", WIDGET_DISCOUNT,
         {"lines": [line("A-100", 10, "12.00")]},
         "DISCOUNT_NOT_APPLIED", "warn", 0, 0, "unit_price", "10.80", "12.00",
         ("10.80 USD", "10%"),
         {"lines": [line("A-100", 10, "10.80")]}),
    Case("price below the discounted price", WIDGET_DISCOUNT,
         {"lines": [line("A-100", 10, "10.00")]},
         "PRICE_BELOW_AGREED", "warn", 0, 0, "unit_price", "10.80", "10.00",
         ("10.80 USD",),
         {"lines": [line("A-100", 10, "10.80"), line("B-200", 1, "40.00")]}),
    Case("payment terms", term("payment_terms", net_days=30),
         {"payment_terms": {"net_days": 45}},
         "PAYMENT_TERMS_MISMATCH", "warn", 0, None, "payment_terms", "Net 30 days",
         "Net 45 days", ("Net 30 days",),
         {"payment_terms": {"net_days": 30}}),
    Case("payment terms without the agreed early discount",
         term("payment_terms", net_days=30, early_discount_percent="2",
              early_discount_days=10),
         {"payment_terms": {"net_days": 30}},
         "PAYMENT_TERMS_MISMATCH", "warn", 0, None, "payment_terms",
         "Net 30 days, 2% if paid within 10 days", "Net 30 days",
         ("Net 30 days, 2% if paid within 10 days",),
         {"payment_terms": {"net_days": 30, "early_discount_percent": "2.0",
                            "early_discount_days": 10}}),
    Case("incoterm", term("incoterm", code="FOB", place="Oakland"),
         {"incoterm": {"code": "EXW", "place": "Reno"}},
         "INCOTERM_MISMATCH", "warn", 0, None, "incoterm", "FOB Oakland", "EXW Reno",
         ("FOB Oakland",),
         {"incoterm": {"code": "FOB", "place": "Oakland"}}),
    Case("incoterm place", term("incoterm", code="FOB", place="Oakland"),
         {"incoterm": {"code": "FOB", "place": "Long Beach"}},
         "INCOTERM_MISMATCH", "warn", 0, None, "incoterm", "FOB Oakland", "FOB Long Beach",
         ("FOB Oakland",),
         {"incoterm": {"code": "fob", "place": " oakland"}}),
    Case("shipping method",
         term("shipping", method="ground", carrier="UPS", freight="prepaid"),
         {"shipping": {"method": "air", "carrier": "UPS", "freight": "prepaid"}},
         "SHIPPING_MISMATCH", "warn", 0, None, "shipping", "method ground", "method air",
         ("method ground",),
         {"shipping": {"method": "ground", "carrier": "UPS", "freight": "prepaid"}}),
    Case("shipping freight",
         term("shipping", method="ground", freight="prepaid"),
         {"shipping": {"method": "ground", "freight": "collect"}},
         "SHIPPING_MISMATCH", "warn", 0, None, "shipping", "freight prepaid",
         "freight collect", ("freight prepaid",),
         {"shipping": {"method": "ground", "freight": "prepaid"}}),
    Case("lead time", term("lead_time", max_business_days=5),
         # Tuesday 2026-12-01 + 5 business days = Tuesday 2026-12-08.
         {"promised_delivery_date": "2026-12-09"},
         "LEAD_TIME_EXCEEDED", "warn", 0, None, "promised_delivery_date", "2026-12-08",
         "2026-12-09", ("5 business days", "2026-12-08"),
         {"promised_delivery_date": "2026-12-08"}),
    Case("lead time over a public holiday", term("lead_time", max_business_days=3),
         # Tuesday 2026-11-24 + 3 business days, Thanksgiving (11-26) and a weekend between.
         {"order_date": "2026-11-24", "requested_ship_date": "2026-11-25",
          "promised_delivery_date": "2026-12-01"},
         "LEAD_TIME_EXCEEDED", "warn", 0, None, "promised_delivery_date", "2026-11-30",
         "2026-12-01", ("3 business days", "2026-11-30"),
         {"order_date": "2026-11-24", "requested_ship_date": "2026-11-25",
          "promised_delivery_date": "2026-11-30"}),
    Case("quantity below the minimum", term("quantity_limits", sku="A-100", min_per_order=10),
         {"lines": [line("A-100", 5, "12.00")]},
         "QUANTITY_BELOW_MIN", "warn", 0, 0, "quantity", "at least 10", "5",
         ("minimum of 10",),
         {"lines": [line("A-100", 10, "12.00")]}),
    Case("quantity above the maximum", term("quantity_limits", max_per_order=500),
         {"lines": [line("A-100", 501, "12.00")]},
         "QUANTITY_ABOVE_MAX", "warn", 0, 0, "quantity", "at most 500", "501",
         ("maximum of 500",),
         {"lines": [line("A-100", 500, "12.00")]}),
    Case("quantity not a multiple", term("quantity_limits", sku="A-100", multiple_of=12),
         {"lines": [line("B-200", 1, "40.00"), line("A-100", 100, "12.00")]},
         "QUANTITY_NOT_MULTIPLE", "warn", 0, 1, "quantity", "a multiple of 12", "100",
         ("multiple of 12",),
         {"lines": [line("B-200", 1, "40.00"), line("A-100", 120, "12.00")]}),
    Case("volume cap in units",
         term("volume_cap", sku="A-100", max_quantity=1000, **CAP_PERIOD),
         {"lines": [line("A-100", 1001, "12.00")]},
         "CAP_EXCEEDED", "block", 0, None, "quantity", "at most 1000", "1001",
         ("cap of 1000",),
         {"lines": [line("A-100", 1000, "12.00")]}),
    Case("volume cap in money",
         term("volume_cap", max_amount="5000.00", **CAP_PERIOD),
         {"lines": [line("A-100", 300, "12.00"), line("B-200", 60, "40.00")]},
         "CAP_EXCEEDED", "block", 0, None, "amount", "at most 5000.00", "6000.00",
         ("5000.00 USD",),
         {"lines": [line("A-100", 100, "12.00"), line("B-200", 95, "40.00")]}),
    Case("currency of the deal", PLAIN,
         {"currency": "EUR", "lines": [line("A-100", 10, "11.00")]},
         "CURRENCY_MISMATCH", "block", None, None, "currency", "USD", "EUR",
         ("USD",), {}),
    Case("agreed currency", term("currency", code="USD"),
         {"currency": "EUR", "lines": [line("A-100", 10, "11.00")]},
         "CURRENCY_MISMATCH", "block", 0, None, "currency", "USD", "EUR",
         ("USD",), {}),
    Case("partial shipment", term("partial_shipments", allowed=False),
         {"partial_shipment": True},
         "PARTIAL_SHIPMENT_NOT_ALLOWED", "warn", 0, None, "partial_shipment", "false", "true",
         ("no partial shipments",),
         {"partial_shipment": False}),
    Case("declined option", [spec_terms()[3]],
         {"lines": [line("A-100", 10, "12.00"), line("WARR-EXT", 1, "150.00")]},
         "DECLINED_OPTION_ORDERED", "block", 0, 1, "sku", "no WARR-EXT (declined)",
         "WARR-EXT", ("WARR-EXT", "declined"),
         {"lines": [line("A-100", 10, "12.00")]}),
    Case("clause reviewed on every order", [spec_terms()[4]],
         {}, "MANUAL_REVIEW", "info", 0, None, None, None, None,
         ("Customer logo on every carton",), {}),
    Case("kickoff not held by the first shipment", PLAIN,
         {"requested_ship_date": "2026-12-14"},
         "KICKOFF_NOT_HELD", "block", None, None, "requested_ship_date",
         "kickoff held before the first shipment", "2026-12-14",
         ("2026-12-14", "kickoff"),
         {"requested_ship_date": "2026-12-13"}),
    Case("price of a term outside its window",
         [{"kind": "unit_price", "params": {"sku": "A-100", "price": "8.00"},
           "valid_from": "2026-11-20", "valid_to": "2026-11-30", "note": "launch promotion"}],
         {"lines": [line("A-100", 10, "8.00")]},
         "TERM_NOT_IN_FORCE", "warn", 0, 0, "unit_price", "12.00", "8.00",
         ("2026-11-30", "12.00 USD"),
         {"order_date": "2026-11-30", "lines": [line("A-100", 10, "8.00")]}),
    Case("SKU with neither a term nor a catalog price", PLAIN,
         {"lines": [line("Z-999", 3, "5.00")]},
         "NO_AGREED_PRICE", "warn", None, 0, "unit_price", None, "5.00",
         ("Z-999",),
         {"lines": [line("A-100", 3, "12.00")]}),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_an_order_breaking_a_term_gets_its_deviation(world: World, case: Case) -> None:
    deal = new_deal(world, case.terms)
    ids = term_ids(deal)

    result = check(world, order_for(deal["id"], **case.breaking))

    assert codes(result) == [case.code], result["deviations"]
    found = result["deviations"][0]
    assert found["severity"] == case.severity
    assert result["status"] == STATUS_OF[case.severity]
    assert found["term_id"] == (
        ids[case.broken_term] if case.broken_term is not None else None)
    assert found["line"] == case.line
    assert found["field"] == case.order_field
    assert found["expected"] == case.expected
    assert found["actual"] == case.actual
    for words in case.says:
        assert words in found["message"], (words, found["message"])
    if found["term_id"] is not None:
        assert f"term {found['term_id']}" in found["message"]
    assert result["deal_id"] == deal["id"]
    assert result["terms_version"] == 1

    # What fulfillment finds later on the order is what the check said.
    stored = get_order(world, result["order_id"])
    assert stored["status"] == result["status"]
    assert stored["checks"][-1]["check_id"] == result["check_id"]
    assert stored["checks"][-1]["deviations"] == result["deviations"]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_an_order_honouring_the_same_terms_is_clear(world: World, case: Case) -> None:
    deal = new_deal(world, case.terms)

    result = check(world, order_for(deal["id"], **case.honouring))

    assert result["status"] == "clear", result["deviations"]
    assert above_info(result) == []
    assert set(codes(result)) <= {"MANUAL_REVIEW"}


# --- deviations the table cannot show alone --------------------------------------------------


def test_a_cap_counts_the_deals_earlier_clear_orders(world: World) -> None:
    deal = new_deal(world, term("volume_cap", sku="A-100", max_quantity=1000, **CAP_PERIOD))
    cap = term_ids(deal)[0]

    first = check(world, order_for(deal["id"], lines=[line("A-100", 600, "12.00")]))
    second = check(world, order_for(deal["id"], lines=[line("A-100", 600, "12.00")]))

    assert first["status"] == "clear"
    assert second["status"] == "blocked"
    exceeded = the(second, "CAP_EXCEEDED")
    assert (exceeded["term_id"], exceeded["expected"], exceeded["actual"]) == (
        cap, "at most 1000", "1200")
    assert "600 units of A-100" in exceeded["message"]
    assert "2026-11-01 to 2027-06-30" in exceeded["message"]
    # The blocked order took nothing: what is left still fits.
    third = check(world, order_for(deal["id"], lines=[line("A-100", 400, "12.00")]))
    assert third["status"] == "clear", third["deviations"]


def test_an_order_in_another_currency_gets_no_price_deviations(world: World) -> None:
    deal = new_deal(world, TIERS)

    result = check(world, order_for(deal["id"], currency="EUR",
                                    lines=[line("A-100", 120, "99.00"),
                                           line("Z-999", 1, "1.00")]))

    assert codes(result) == ["CURRENCY_MISMATCH"]
    assert result["status"] == "blocked"


def test_a_pending_option_is_flagged_on_every_order(world: World) -> None:
    deal = new_deal(world, term("option", name="extended_warranty", sku="WARR-EXT",
                                decision="pending", terms="3 years parts and labour"))

    result = check(world, order_for(deal["id"]))

    pending = the(result, "OPTION_DECISION_PENDING")
    assert result["status"] == "flagged"
    assert (pending["severity"], pending["term_id"], pending["line"]) == (
        "warn", term_ids(deal)[0], None)
    assert (pending["expected"], pending["actual"]) == ("accept or decline", "pending")
    assert "extended warranty" in pending["message"]


def test_a_pending_option_accepted_by_the_customers_signature_is_clear(world: World) -> None:
    deal = new_deal(world, term("option", name="extended_warranty", sku="WARR-EXT",
                                decision="pending", terms="3 years parts and labour"))
    signed = world.sales.post(f"/api/v1/deals/{deal['id']}/signatures", {
        "version": 1, "signer": {"contact_id": deal["contact"]["id"]},
        "typed_name": deal["contact"]["name"],
        "decisions": [{"option": "extended_warranty", "decision": "accept"}]})
    assert signed.status_code == 201, signed.json

    result = check(world, order_for(deal["id"], lines=[line("A-100", 10, "12.00"),
                                                      line("WARR-EXT", 1, "150.00")]))

    assert result["status"] == "clear", result["deviations"]
    assert result["deviations"] == []


def test_an_option_declined_when_signing_may_not_be_ordered(world: World) -> None:
    deal = new_deal(world, term("option", name="extended_warranty", sku="WARR-EXT",
                                decision="pending", terms="3 years parts and labour"))
    signed = world.sales.post(f"/api/v1/deals/{deal['id']}/signatures", {
        "version": 1, "signer": {"contact_id": deal["contact"]["id"]},
        "typed_name": deal["contact"]["name"],
        "decisions": [{"option": "extended_warranty", "decision": "decline"}]})
    assert signed.status_code == 201, signed.json

    result = check(world, order_for(deal["id"], lines=[line("WARR-EXT", 1, "150.00")]))

    declined = the(result, "DECLINED_OPTION_ORDERED")
    assert codes(result) == ["DECLINED_OPTION_ORDERED"]
    assert result["status"] == "blocked"
    assert (declined["term_id"], declined["line"]) == (term_ids(deal)[0], 0)
    assert "when signing" in declined["message"]


def test_a_clause_not_reviewed_on_order_adds_nothing(world: World) -> None:
    deal = new_deal(world, PLAIN)

    result = check(world, order_for(deal["id"]))

    assert (result["status"], result["deviations"]) == ("clear", [])


def test_an_order_shipping_after_the_kickoff_was_held_is_clear(world: World) -> None:
    deal = new_deal(world, PLAIN)
    hold_kickoff(world, deal["id"])

    result = check(world, order_for(deal["id"], requested_ship_date="2026-12-18"))

    assert (result["status"], result["deviations"]) == ("clear", [])


# --- tying an order to a deal ---------------------------------------------------------------


def test_an_unknown_deal_id_blocks_the_order(world: World) -> None:
    result = check(world, order_for(987654))

    unknown = the(result, "UNKNOWN_DEAL")
    assert codes(result) == ["UNKNOWN_DEAL"]
    assert result["status"] == "blocked" and unknown["severity"] == "block"
    assert result["deal_id"] is None and result["terms_version"] is None
    assert unknown["term_id"] is None and unknown["line"] is None
    assert "987654" in unknown["message"]


def test_an_unknown_account_ref_blocks_the_order(world: World) -> None:
    result = check(world, order_for(None, account_ref="CRM-NOBODY"))

    unknown = the(result, "UNKNOWN_DEAL")
    assert result["status"] == "blocked"
    assert "CRM-NOBODY" in unknown["message"]


def test_an_account_ref_naming_an_account_with_one_deal_finds_it(world: World) -> None:
    deal = new_deal(world, TIERS)

    result = check(world, order_for(None, account_ref=deal["account"]["external_ref"],
                                    lines=[line("A-100", 120, "9.00")]))

    assert result["deal_id"] == deal["id"]
    assert (result["status"], result["deviations"]) == ("clear", [])


def test_an_account_ref_naming_an_account_with_two_deals_is_ambiguous(world: World) -> None:
    first = new_deal(world, TIERS)
    second = another_deal(world, first["account"]["id"], first["contact"]["id"], PLAIN)

    result = check(world, order_for(None, account_ref=first["account"]["external_ref"],
                                    lines=[line("A-100", 120, "9.00")]))

    ambiguous = the(result, "AMBIGUOUS_DEAL")
    assert codes(result) == ["AMBIGUOUS_DEAL"]
    assert result["status"] == "blocked" and ambiguous["severity"] == "block"
    assert result["deal_id"] is None
    assert str(first["id"]) in ambiguous["message"]
    assert str(second["id"]) in ambiguous["message"]
    # Naming the deal settles it.
    named = check(world, order_for(first["id"], lines=[line("A-100", 120, "9.00")],
                                   account_ref=first["account"]["external_ref"]))
    assert (named["deal_id"], named["status"]) == (first["id"], "clear")


# --- the SPEC's example ---------------------------------------------------------------------

SPEC_ORDER = {"po_number": "PO-5521", "order_date": "2026-12-15",
              "requested_ship_date": "2026-12-18", "promised_delivery_date": "2026-12-22",
              "currency": "USD", "payment_terms": {"net_days": 45},
              "incoterm": {"code": "FOB", "place": "Oakland"},
              "shipping": {"method": "ground", "freight": "prepaid"},
              "partial_shipment": False,
              "lines": [{"sku": "A-100", "quantity": 120, "unit_price": "9.00"}]}


def test_the_spec_example_order_works_as_written(world: World) -> None:
    deal = new_deal(world, spec_terms())
    hold_kickoff(world, deal["id"])
    clause = term_ids(deal)[4]

    result = check(world, {"deal_id": deal["id"], **SPEC_ORDER})

    assert set(result) >= {"order_id", "check_id", "status", "terms_version", "deviations"}
    assert result["status"] == "clear"
    assert result["terms_version"] == 1
    # 120 units take the 9.00 tier; the deal has no payment, Incoterm or shipping terms to
    # break; the carton clause is for fulfillment to tick off.
    assert result["deviations"] == [{
        "code": "MANUAL_REVIEW", "severity": "info", "term_id": clause, "line": None,
        "field": None, "expected": None, "actual": None,
        "message": result["deviations"][0]["message"]}]
    assert "Customer logo on every carton" in result["deviations"][0]["message"]
    stored = get_order(world, result["order_id"])
    assert stored["po_number"] == "PO-5521"
    assert stored["order"]["payment_terms"] == {"net_days": 45}
    assert stored["order"]["lines"] == SPEC_ORDER["lines"]


def test_the_spec_example_deviation_shape(world: World) -> None:
    """The SPEC's example answer: 10.00 charged where 9.00 is agreed, blocked."""
    deal = new_deal(world, spec_terms())
    hold_kickoff(world, deal["id"])
    volume_tier = term_ids(deal)[1]

    result = check(world, {"deal_id": deal["id"], **SPEC_ORDER,
                           "lines": [{"sku": "A-100", "quantity": 120, "unit_price": "10.00"}]})

    assert result["status"] == "blocked"
    price = the(result, "PRICE_ABOVE_AGREED")
    assert {k: v for k, v in price.items() if k != "message"} == {
        "code": "PRICE_ABOVE_AGREED", "severity": "block", "term_id": volume_tier, "line": 0,
        "field": "unit_price", "expected": "9.00", "actual": "10.00"}
    assert "9.00 USD for 100+ units" in price["message"]
    assert f"term {volume_tier}, agreed on 2026-11-20 by Ana Seller" in price["message"]


def test_the_spec_example_order_before_the_kickoff_is_blocked(world: World) -> None:
    deal = new_deal(world, spec_terms())

    result = check(world, {"deal_id": deal["id"], **SPEC_ORDER})

    assert result["status"] == "blocked"
    assert [d["code"] for d in above_info(result)] == ["KICKOFF_NOT_HELD"]


def test_an_order_is_checked_against_the_version_in_force_on_its_date(world: World) -> None:
    deal = new_deal(world, spec_terms())
    hold_kickoff(world, deal["id"])
    intro = term_ids(deal)[0]
    amended = amend(world, deal["id"], price_cut(intro, "9.50"))
    assert amended.status_code == 201, amended.json
    replacement = next(t["id"] for t in amended.json["terms"]
                       if t["kind"] == "unit_price" and t["params"]["price"] == "9.50")
    december = {"order_date": "2026-12-20", "requested_ship_date": "2026-12-21"}
    january = {"order_date": "2027-01-05", "requested_ship_date": "2027-01-06"}

    before = check(world, order_for(deal["id"], **december, lines=[line("A-100", 50, "9.50")]))
    after = check(world, order_for(deal["id"], **january, lines=[line("A-100", 50, "9.50")]))
    old_price = check(world, order_for(deal["id"], **january,
                                       lines=[line("A-100", 50, "10.00")]))

    assert (before["terms_version"], before["status"]) == (1, "flagged")
    below = the(before, "PRICE_BELOW_AGREED")
    assert (below["term_id"], below["expected"], below["actual"]) == (intro, "10.00", "9.50")
    assert (after["terms_version"], after["status"]) == (2, "clear")
    assert [d["code"] for d in above_info(after)] == []
    assert (old_price["terms_version"], old_price["status"]) == (2, "blocked")
    above = the(old_price, "PRICE_ABOVE_AGREED")
    assert (above["term_id"], above["expected"], above["actual"]) == (
        replacement, "9.50", "10.00")
    assert "9.50 USD for 1\N{EN DASH}99 units" in above["message"]


# --- re-checks and refused orders -----------------------------------------------------------


def test_rechecking_a_po_makes_a_new_check_of_the_same_order(world: World) -> None:
    deal = new_deal(world, TIERS)
    order = order_for(deal["id"], lines=[line("A-100", 120, "9.50")])

    first = check(world, order)
    second = check(world, {**order, "lines": [line("A-100", 120, "9.00")]})

    assert second["order_id"] == first["order_id"]
    assert second["check_id"] != first["check_id"]
    assert (first["status"], second["status"]) == ("blocked", "clear")
    stored = get_order(world, first["order_id"])
    assert [c["check_id"] for c in stored["checks"]] == [first["check_id"], second["check_id"]]
    assert [c["status"] for c in stored["checks"]] == ["blocked", "clear"]
    assert stored["checks"][0]["deviations"] == first["deviations"]
    assert stored["status"] == "clear"
    assert stored["order"]["lines"] == [line("A-100", 120, "9.00")]
    assert [o["id"] for o in listed(world, deal=deal["id"])] == [first["order_id"]]


def test_the_same_po_for_another_deal_is_another_order(world: World) -> None:
    one, two = new_deal(world, TIERS), new_deal(world, TIERS)
    order = order_for(one["id"], lines=[line("A-100", 120, "9.00")])

    first = check(world, order)
    second = check(world, {**order, "deal_id": two["id"]})

    assert second["order_id"] != first["order_id"]


def test_a_json_number_as_unit_price_is_refused_and_nothing_is_stored(world: World) -> None:
    deal = new_deal(world, TIERS)
    before_total, before = order_total(world), stored_counts(world)
    order = order_for(deal["id"], lines=[{"sku": "A-100", "quantity": 120, "unit_price": 9.0}])

    response = world.fulfillment.post("/api/v1/orders/check", order)

    assert_problem(response, 422, "lines.0.unit_price")
    assert order_total(world) == before_total
    assert stored_counts(world) == before


# --- the list of orders ---------------------------------------------------------------------


def test_the_order_list_filters_by_status_deal_code_and_dates(world: World) -> None:
    deal = new_deal(world, TIERS + term("payment_terms", net_days=30))
    other = new_deal(world, TIERS)
    clear = check(world, order_for(deal["id"], order_date="2026-12-01",
                                   lines=[line("A-100", 120, "9.00")]))
    flagged = check(world, order_for(deal["id"], order_date="2026-12-03",
                                     requested_ship_date="2026-12-04",
                                     payment_terms={"net_days": 45},
                                     lines=[line("A-100", 120, "9.00")]))
    blocked = check(world, order_for(deal["id"], order_date="2026-12-04",
                                     lines=[line("A-100", 120, "9.50")]))
    elsewhere = check(world, order_for(other["id"], order_date="2026-12-03",
                                       requested_ship_date="2026-12-04",
                                       lines=[line("A-100", 120, "9.50")]))
    assert [r["status"] for r in (clear, flagged, blocked, elsewhere)] == [
        "clear", "flagged", "blocked", "blocked"]

    def ids(**query: Any) -> list[int]:
        return [o["id"] for o in listed(world, **query)]

    assert ids(deal=deal["id"]) == [blocked["order_id"], flagged["order_id"], clear["order_id"]]
    assert ids(deal=deal["id"], status="blocked") == [blocked["order_id"]]
    assert ids(deal=deal["id"], status="flagged") == [flagged["order_id"]]
    everywhere = listed(world, status="blocked")
    assert {blocked["order_id"], elsewhere["order_id"]} <= {o["id"] for o in everywhere}
    assert all(o["status"] == "blocked" for o in everywhere)
    by_code = listed(world, code="PAYMENT_TERMS_MISMATCH")
    assert flagged["order_id"] in [o["id"] for o in by_code]
    assert all("PAYMENT_TERMS_MISMATCH" in o["codes"] for o in by_code)
    assert ids(deal=deal["id"], code="PRICE_ABOVE_AGREED") == [blocked["order_id"]]
    assert ids(deal=deal["id"], since="2026-12-02") == [blocked["order_id"],
                                                         flagged["order_id"]]
    assert ids(deal=deal["id"], until="2026-12-03") == [flagged["order_id"], clear["order_id"]]
    assert ids(deal=deal["id"], since="2026-12-02", until="2026-12-03") == [flagged["order_id"]]
    assert ids(since="2026-12-03", until="2026-12-03", code="PRICE_ABOVE_AGREED") == [
        elsewhere["order_id"]]

    # The code filter reads each order's latest check.
    check(world, order_for(deal["id"], po_number=flagged["po_number"], order_date="2026-12-03",
                           requested_ship_date="2026-12-04", payment_terms={"net_days": 30},
                           lines=[line("A-100", 120, "9.00")]))
    assert ids(deal=deal["id"], code="PAYMENT_TERMS_MISMATCH") == []
    assert ids(deal=deal["id"], status="flagged") == []


@pytest.mark.parametrize("query", [{"status": "pending"}, {"code": "NOT_A_CODE"},
                                   {"since": "yesterday"}, {"deal": "twelve"}])
def test_the_order_list_refuses_unknown_filters(world: World, query: dict[str, str]) -> None:
    response = world.fulfillment.get("/api/v1/orders", query_string=query)

    assert_problem(response, 422, *query)


# --- severities -----------------------------------------------------------------------------


@pytest.fixture
def severities_restored(world: World) -> Iterator[None]:
    """Put the severities back as they were: the module's other tests read the defaults."""
    before = world.admin.get("/api/v1/settings/severities").json["severities"]
    yield
    response = world.admin.put("/api/v1/settings/severities", {"severities": before})
    assert response.status_code == 200, response.json


@pytest.mark.parametrize("role", ["admin", "manager", "sales", "account_manager",
                                  "fulfillment"])
def test_everyone_reads_the_severity_of_every_code(world: World, role: str) -> None:
    response = world.callers[role].get("/api/v1/settings/severities")

    assert response.status_code == 200, response.json
    severities = response.json["severities"]
    blocking = {"PRICE_ABOVE_AGREED", "CURRENCY_MISMATCH", "DECLINED_OPTION_ORDERED",
                "CAP_EXCEEDED", "KICKOFF_NOT_HELD", "UNKNOWN_DEAL", "AMBIGUOUS_DEAL"}
    assert set(severities) == set(SPEC_CODES)
    for code, severity in severities.items():
        wanted = "block" if code in blocking else "info" if code == "MANUAL_REVIEW" else "warn"
        assert severity == wanted, code


@pytest.mark.parametrize("role", ["manager", "sales", "account_manager", "fulfillment"])
def test_only_an_admin_changes_severities(world: World, role: str) -> None:
    before = stored_counts(world)

    response = world.callers[role].put("/api/v1/settings/severities",
                                       {"severities": {"PAYMENT_TERMS_MISMATCH": "block"}})

    assert_problem(response, 403)
    assert stored_counts(world) == before
    assert world.admin.get("/api/v1/settings/severities").json["severities"][
        "PAYMENT_TERMS_MISMATCH"] == "warn"


def test_a_changed_severity_changes_the_next_check(world: World, severities_restored: None)\
        -> None:
    deal = new_deal(world, term("payment_terms", net_days=30))
    order = order_for(deal["id"], payment_terms={"net_days": 45})
    before = check(world, order)
    assert before["status"] == "flagged"

    response = world.admin.put("/api/v1/settings/severities",
                               {"severities": {"PAYMENT_TERMS_MISMATCH": "block",
                                               "MANUAL_REVIEW": "warn"}})

    assert response.status_code == 200, response.json
    assert response.json["severities"]["PAYMENT_TERMS_MISMATCH"] == "block"
    assert response.json["severities"]["PRICE_BELOW_AGREED"] == "warn"
    after = check(world, order)
    assert after["status"] == "blocked"
    assert the(after, "PAYMENT_TERMS_MISMATCH")["severity"] == "block"
    # The earlier check keeps the severity it was made with.
    stored = get_order(world, before["order_id"])
    assert [c["status"] for c in stored["checks"]] == ["flagged", "blocked"]
    assert stored["checks"][0]["deviations"][0]["severity"] == "warn"
    # A clause reviewed on every order now flags it.
    reviewed = new_deal(world, [spec_terms()[4]])
    assert check(world, order_for(reviewed["id"]))["status"] == "flagged"

    events = world.admin.get("/api/v1/audit", query_string={"entity": "settings"})
    assert events.status_code == 200, events.json
    latest = events.json["items"][0]
    assert latest["actor_id"] == world.ids["admin"]
    assert latest["data"]["changes"] == {"PAYMENT_TERMS_MISMATCH": ["warn", "block"],
                                         "MANUAL_REVIEW": ["info", "warn"]}


def test_a_severity_setting_names_only_known_codes_and_severities(world: World) -> None:
    before = stored_counts(world)

    response = world.admin.put("/api/v1/settings/severities",
                               {"severities": {"PRICE_TOO_HIGH": "block",
                                               "PRICE_BELOW_AGREED": "fatal"}})

    body = assert_problem(response, 422)
    assert any("PRICE_TOO_HIGH" in name for name in body["errors"]), body
    assert any("PRICE_BELOW_AGREED" in name for name in body["errors"]), body
    assert stored_counts(world) == before

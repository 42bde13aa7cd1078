"""Payment terms, Incoterm, shipping, lead time, partial shipments and currency."""

from .builders import AGREED, check, codes, day, line, only, order, term, tiers, with_holidays

# payment terms

NET_45 = term("payment_terms", 31, net_days=45)
NET_30_EARLY = term(
    "payment_terms", 32, net_days=30, early_discount_percent="2", early_discount_days=10
)


def test_an_order_stating_other_net_days_mismatches_the_payment_terms():
    found = only(check(order(payment_terms={"net_days": 60}), [NET_45]))

    assert (found.code, found.severity, found.term_id, found.field) == (
        "PAYMENT_TERMS_MISMATCH",
        "warn",
        31,
        "payment_terms",
    )
    assert (found.expected, found.actual) == ("Net 45 days", "Net 60 days")
    assert found.message == (
        "The order states payment terms Net 60 days, not the agreed Net 45 days "
        f"(term 31, {AGREED})."
    )


def test_an_order_stating_the_agreed_payment_terms_is_clear():
    assert check(order(payment_terms={"net_days": 45}), [NET_45]) == []


def test_an_order_silent_on_payment_terms_is_not_compared():
    assert check(order(), [NET_45]) == []


def test_leaving_out_the_agreed_early_discount_is_other_payment_terms():
    found = only(check(order(payment_terms={"net_days": 30}), [NET_30_EARLY]))

    assert found.code == "PAYMENT_TERMS_MISMATCH"
    assert found.expected == "Net 30 days, 2% if paid within 10 days"


def test_the_early_discount_is_compared_by_value():
    stated = {"net_days": 30, "early_discount_percent": "2.0", "early_discount_days": 10}

    assert check(order(payment_terms=stated), [NET_30_EARLY]) == []


# Incoterm

FOB_OAKLAND = term("incoterm", 41, code="FOB", place="Oakland")


def test_another_incoterm_rule_mismatches():
    found = only(check(order(incoterm={"code": "EXW", "place": "Oakland"}), [FOB_OAKLAND]))

    assert (found.code, found.field, found.expected, found.actual) == (
        "INCOTERM_MISMATCH",
        "incoterm",
        "FOB Oakland",
        "EXW Oakland",
    )


def test_another_incoterm_place_mismatches():
    found = check(order(incoterm={"code": "FOB", "place": "Long Beach"}), [FOB_OAKLAND])

    assert codes(found) == ["INCOTERM_MISMATCH"]


def test_delivery_terms_outside_incoterms_2020_are_flagged_not_refused():
    found = only(check(order(incoterm={"code": "FOT"}), [FOB_OAKLAND]))

    assert (found.code, found.expected, found.actual) == (
        "INCOTERM_MISMATCH",
        "FOB Oakland",
        "FOT (no place named)",
    )


def test_the_incoterm_place_is_compared_without_case_or_spacing():
    assert check(order(incoterm={"code": "fob", "place": "  oakland "}), [FOB_OAKLAND]) == []


# shipping

GROUND_PREPAID = term("shipping", 42, method="ground", carrier="UPS", freight="prepaid")


def test_another_shipping_method_mismatches():
    found = only(check(order(shipping={"method": "air", "freight": "prepaid"}), [GROUND_PREPAID]))

    assert (found.code, found.field, found.expected, found.actual) == (
        "SHIPPING_MISMATCH",
        "shipping",
        "method ground",
        "method air",
    )


def test_another_carrier_or_freight_mismatches_and_both_are_named():
    stated = {"carrier": "FedEx", "freight": "collect"}

    found = only(check(order(shipping=stated), [GROUND_PREPAID]))

    assert found.expected == "carrier UPS, freight prepaid"
    assert found.actual == "carrier FedEx, freight collect"


def test_shipping_as_agreed_is_clear_whatever_the_case():
    stated = {"method": "Ground", "carrier": "ups", "freight": "prepaid"}

    assert check(order(shipping=stated), [GROUND_PREPAID]) == []


def test_only_what_the_term_states_is_compared():
    method_only = term("shipping", 43, method="ground")

    assert check(order(shipping={"method": "ground", "carrier": "DHL"}), [method_only]) == []


def test_above_the_free_freight_amount_the_freight_must_be_prepaid():
    free_over = term("shipping", 44, method="ground", freight="collect", free_freight_over="1000")
    big = order(line(quantity=120, price="9.00"), shipping={"freight": "collect"})
    small = order(line(quantity=10, price="10.00"), shipping={"freight": "collect"})

    found = only(check(big, [*tiers(), free_over]))

    assert (found.code, found.expected, found.actual) == (
        "SHIPPING_MISMATCH",
        "freight prepaid",
        "freight collect",
    )
    assert "(free freight over 1000.00 USD)" in found.message
    assert check(small, [*tiers(), free_over]) == []


# lead time

TEN_DAYS = term("lead_time", 45, max_business_days=10)


def test_a_delivery_promised_after_the_lead_time_is_flagged():
    # Tuesday 2026-12-15 + 10 business days = Tuesday 2026-12-29 (two weekends skipped)
    found = only(check(order(promised_delivery_date="2026-12-30"), [TEN_DAYS]))

    assert (found.code, found.severity, found.field, found.expected, found.actual) == (
        "LEAD_TIME_EXCEEDED",
        "warn",
        "promised_delivery_date",
        "2026-12-29",
        "2026-12-30",
    )
    assert found.message == (
        "Delivery is promised on 2026-12-30, after 2026-12-29: the agreed lead time is "
        f"10 business days from the order date 2026-12-15 (term 45, {AGREED})."
    )


def test_a_delivery_on_the_last_business_day_is_clear():
    assert check(order(promised_delivery_date="2026-12-29"), [TEN_DAYS]) == []


def test_the_lead_time_skips_weekends_and_holidays():
    three_days = term("lead_time", 46, max_business_days=3)
    friday = order(
        order_date="2026-12-18",
        requested_ship_date="2026-12-21",
        promised_delivery_date="2026-12-24",
    )
    christmas_week = with_holidays("2026-12-24", "2026-12-25")

    # Fri 18 + 3 business days: Mon 21, Tue 22, Wed 23 -> Wed 23; Thursday 24 is late
    assert codes(check(friday, [three_days])) == ["LEAD_TIME_EXCEEDED"]
    # with the 24th and 25th off it is Mon 21, Tue 22, Wed 23 still -> late as well
    assert codes(check(friday, [three_days], add_business_days=christmas_week)) == [
        "LEAD_TIME_EXCEEDED"
    ]
    later = order(
        order_date="2026-12-22",
        requested_ship_date="2026-12-22",
        promised_delivery_date="2026-12-29",
    )
    # Tue 22 + 3: Wed 23, (24, 25 off, weekend), Mon 28, Tue 29 -> the 29th is in time
    assert check(later, [three_days], add_business_days=christmas_week) == []
    assert codes(check(later, [three_days])) == ["LEAD_TIME_EXCEEDED"]


def test_an_order_promising_no_delivery_date_is_not_checked_for_lead_time():
    assert check(order(), [TEN_DAYS]) == []


# partial shipments

NO_PARTIALS = term("partial_shipments", 47, allowed=False)


def test_a_partial_shipment_asked_against_the_terms_is_flagged():
    found = only(check(order(partial_shipment=True), [NO_PARTIALS]))

    assert (found.code, found.field, found.expected, found.actual) == (
        "PARTIAL_SHIPMENT_NOT_ALLOWED",
        "partial_shipment",
        "false",
        "true",
    )


def test_no_partial_shipment_asked_is_clear():
    assert check(order(partial_shipment=False), [NO_PARTIALS]) == []
    assert check(order(), [NO_PARTIALS]) == []


def test_partial_shipments_allowed_let_any_order_through():
    assert check(order(partial_shipment=True), [term("partial_shipments", 48, allowed=True)]) == []


# currency

USD = term("currency", 49, code="USD")


def test_an_order_in_another_currency_than_agreed_is_blocked():
    found = only(check(order(currency="EUR"), [USD]))

    assert (found.code, found.severity, found.term_id, found.expected, found.actual) == (
        "CURRENCY_MISMATCH",
        "block",
        49,
        "USD",
        "EUR",
    )
    assert found.message == (
        f"The order is in EUR, not the agreed USD (term 49, {AGREED}), so its prices cannot be "
        "checked."
    )


def test_an_order_in_the_agreed_currency_is_clear():
    assert check(order(currency="USD"), [USD]) == []


def test_without_a_currency_term_the_deal_currency_is_compared():
    found = only(check(order(currency="GBP"), deal_currency="USD"))

    assert (found.code, found.term_id) == ("CURRENCY_MISMATCH", None)
    assert "not the deal's currency USD" in found.message
    assert check(order(currency="USD"), deal_currency="USD") == []


def test_the_currency_term_wins_over_the_deal_currency():
    assert (
        check(
            order(currency="EUR", lines=[{"sku": "EU-1", "quantity": 1, "unit_price": "30.00"}]),
            [term("currency", 49, code="EUR")],
            deal_currency="USD",
        )
        == []
    )


def test_a_currency_term_outside_its_window_is_not_in_force():
    old = term("currency", 49, code="EUR", valid_to="2026-12-01")

    assert check(order(currency="USD"), [old]) == []
    assert day("2026-12-01") < order().order_date

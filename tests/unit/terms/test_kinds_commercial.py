from decimal import Decimal

import pytest

from terms.kinds import describe_term, standard_counterpart

from .builders import param_problems, parsed


def no_catalog(sku: str):
    return None


STANDARD = (
    parsed("payment_terms", net_days=30),
    parsed("incoterm", code="EXW", place="Reno"),
    parsed("shipping", method="ground", freight="collect", free_freight_over="1000"),
    parsed("currency", code="USD"),
    parsed("partial_shipments", allowed=True),
)


# payment_terms


def test_payment_terms_with_an_early_discount_are_parsed():
    term = parsed("payment_terms", net_days=45, early_discount_percent="2", early_discount_days=10)

    assert dict(term.params) == {
        "net_days": 45,
        "early_discount_percent": Decimal("2"),
        "early_discount_days": 10,
    }


def test_payment_due_on_receipt_is_net_zero_days():
    assert parsed("payment_terms", net_days=0).params["net_days"] == 0


def test_net_days_may_not_be_negative():
    assert param_problems("payment_terms", net_days=-1) == {
        "params.net_days": ["must be at least 0"]
    }


def test_an_early_discount_needs_both_percent_and_days():
    assert param_problems("payment_terms", net_days=30, early_discount_percent="2") == {
        "params.early_discount_days": ["is required with early_discount_percent"]
    }
    assert param_problems("payment_terms", net_days=30, early_discount_days=10) == {
        "params.early_discount_percent": ["is required with early_discount_days"]
    }


def test_an_invalid_early_discount_percent_is_not_also_called_missing():
    assert param_problems(
        "payment_terms", net_days=30, early_discount_percent=2, early_discount_days=10
    ) == {"params.early_discount_percent": ['must be a decimal string such as "7.5", not a number']}


def test_the_early_discount_period_fits_within_the_net_days():
    assert param_problems(
        "payment_terms", net_days=30, early_discount_percent="2", early_discount_days=31
    ) == {"params.early_discount_days": ["must not be more than net_days (30)"]}


def test_payment_terms_read_as_net_days_and_discount():
    term = parsed(
        "payment_terms", net_days=45, early_discount_percent="2.0", early_discount_days=10
    )

    assert describe_term(term, "USD") == "Net 45 days, 2% if paid within 10 days"


def test_payment_terms_depart_from_the_standard_payment_terms():
    term = parsed("payment_terms", net_days=45)

    assert standard_counterpart(term, STANDARD, no_catalog) == "Net 30 days"
    assert standard_counterpart(term, (), no_catalog) is None


# incoterm


@pytest.mark.parametrize(
    "code", ["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"]
)
def test_every_incoterms_2020_rule_is_accepted(code):
    assert parsed("incoterm", code=code, place="Oakland").params["code"] == code


@pytest.mark.parametrize("code", ["DAT", "DDU", "CNF", "XYZ"])
def test_rules_outside_incoterms_2020_are_refused(code):
    errors = param_problems("incoterm", code=code, place="Oakland")

    assert errors == {
        "params.code": ["must be one of: EXW, FCA, CPT, CIP, DAP, DPU, DDP, FAS, FOB, CFR, CIF"]
    }


def test_an_incoterm_needs_a_place():
    assert param_problems("incoterm", code="FOB") == {"params.place": ["is required"]}


def test_an_incoterm_reads_with_its_edition_and_departs_from_the_standard_one():
    term = parsed("incoterm", code="FOB", place="Oakland")

    assert describe_term(term, "USD") == "FOB Oakland (Incoterms 2020)"
    assert standard_counterpart(term, STANDARD, no_catalog) == "EXW Reno"


# shipping


def test_shipping_with_every_param_is_parsed():
    term = parsed(
        "shipping", method="ground", carrier="UPS", freight="prepaid", free_freight_over="500.00"
    )

    assert term.params["free_freight_over"] == Decimal("500.00")
    assert describe_term(term, "USD") == (
        "Shipping by ground via UPS, freight prepaid, free freight on orders over 500.00 USD"
    )


def test_shipping_needs_a_method():
    assert param_problems("shipping", carrier="UPS") == {"params.method": ["is required"]}


def test_free_freight_threshold_is_money():
    assert param_problems("shipping", method="air", free_freight_over=500) == {
        "params.free_freight_over": ['must be a decimal string such as "12.50", not a number']
    }


def test_shipping_departs_from_the_standard_shipping_in_its_currency():
    term = parsed("shipping", method="air")

    assert standard_counterpart(term, STANDARD, no_catalog) == (
        "Shipping by ground, freight collect, free freight on orders over 1000.00 USD"
    )


# lead_time


def test_a_lead_time_reads_in_business_days():
    assert describe_term(parsed("lead_time", max_business_days=10), "USD") == (
        "Delivery within 10 business days of the order"
    )
    assert describe_term(parsed("lead_time", max_business_days=1), "USD") == (
        "Delivery within 1 business day of the order"
    )


def test_a_lead_time_needs_its_days():
    assert param_problems("lead_time") == {"params.max_business_days": ["is required"]}


def test_a_lead_time_without_a_standard_one_has_no_counterpart():
    assert (
        standard_counterpart(parsed("lead_time", max_business_days=5), STANDARD, no_catalog) is None
    )


# currency


def test_a_currency_term_reads_and_departs_from_the_standard_currency():
    term = parsed("currency", code="EUR")

    assert describe_term(term, "EUR") == "Orders and invoices in EUR"
    assert standard_counterpart(term, STANDARD, no_catalog) == "USD"


def test_a_currency_term_needs_a_code():
    assert param_problems("currency") == {"params.code": ["is required"]}


# partial_shipments


def test_partial_shipments_read_as_allowed_or_not():
    assert describe_term(parsed("partial_shipments", allowed=True), "USD") == (
        "Partial shipments allowed"
    )
    assert describe_term(parsed("partial_shipments", allowed=False), "USD") == (
        "No partial shipments"
    )


def test_partial_shipments_need_a_decision():
    assert param_problems("partial_shipments") == {"params.allowed": ["is required"]}


def test_refusing_partial_shipments_departs_from_the_standard():
    term = parsed("partial_shipments", allowed=False)

    assert standard_counterpart(term, STANDARD, no_catalog) == "Partial shipments allowed"

from decimal import Decimal

from terms.kinds import describe_term, standard_counterpart

from .builders import param_problems, parsed, price


def catalog(sku: str):
    return {"A-100": (Decimal("12.00"), "USD")}.get(sku)


# unit_price


def test_a_unit_price_with_a_quantity_tier_is_parsed():
    term = price("A-100", "9.00", min_quantity=100, max_quantity=499)

    assert dict(term.params) == {
        "sku": "A-100",
        "price": Decimal("9.00"),
        "min_quantity": 100,
        "max_quantity": 499,
    }


def test_a_unit_price_needs_a_sku_and_a_price():
    assert param_problems("unit_price") == {
        "params.sku": ["is required"],
        "params.price": ["is required"],
    }


def test_a_unit_price_tier_must_not_end_before_it_starts():
    assert param_problems("unit_price", sku="A", price="1.00", min_quantity=10, max_quantity=9) == {
        "params.max_quantity": ["must be at least min_quantity (10)"]
    }


def test_a_tier_of_a_single_quantity_is_allowed():
    assert price(min_quantity=5, max_quantity=5).params["max_quantity"] == 5


def test_unknown_unit_price_params_are_named():
    assert param_problems("unit_price", sku="A", price="1.00", qty=3) == {
        "params.qty": [
            "is not a parameter of unit_price; expected: sku, price, min_quantity, max_quantity"
        ]
    }


def test_a_unit_price_reads_as_price_and_quantity_range():
    assert describe_term(price("A-100", "10.00", max_quantity=99), "USD") == (
        "A-100 at 10.00 USD for 1\N{EN DASH}99 units"
    )
    assert describe_term(price("A-100", "9", min_quantity=100), "USD") == (
        "A-100 at 9.00 USD for 100 units or more"
    )
    assert describe_term(price("A-100", "9.125"), "EUR") == "A-100 at 9.125 EUR"


def test_a_unit_price_departs_from_the_list_price():
    assert standard_counterpart(price("A-100"), (), catalog) == "list price 12.00 USD"


def test_a_unit_price_for_a_product_not_in_the_catalog_has_no_standard():
    assert standard_counterpart(price("NEW-1"), (), catalog) is None


# discount


def test_a_discount_for_all_products_is_parsed():
    assert dict(parsed("discount", percent="7.5").params) == {"percent": Decimal("7.5")}


def test_a_discount_needs_a_percent():
    assert param_problems("discount", sku="A-100") == {"params.percent": ["is required"]}


def test_a_discount_is_for_a_sku_or_a_category_not_both():
    assert param_problems("discount", percent="5", sku="A-100", category="widgets") == {
        "params.category": ["give sku or category, not both"]
    }


def test_a_discount_reads_with_what_it_applies_to():
    assert describe_term(parsed("discount", percent="7.50", sku="A-100"), "USD") == (
        "7.5% off the list price of A-100"
    )
    assert describe_term(parsed("discount", percent="5", category="widgets"), "USD") == (
        "5% off the list price of category widgets"
    )
    assert describe_term(parsed("discount", percent="5"), "USD") == (
        "5% off the list price of all products"
    )


def test_a_discount_departs_from_the_list_price():
    assert standard_counterpart(parsed("discount", percent="5", sku="A-100"), (), catalog) == (
        "list price 12.00 USD"
    )
    assert standard_counterpart(
        parsed("discount", percent="5", category="widgets"), (), catalog
    ) == ("list price of category widgets, no discount")

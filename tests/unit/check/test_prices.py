"""The agreed price of a line, and the one price deviation a line may get."""

from decimal import Decimal

from terms.check import CatalogItem, compile_terms
from terms.resolve import agreed_price

from .builders import (
    AGREED,
    CATALOG,
    ORDER_DATE,
    check,
    codes,
    line,
    only,
    order,
    term,
    tiers,
)

# precedence


def test_the_tier_is_chosen_by_the_order_total_of_the_sku_across_split_lines():
    split = order(line(quantity=60, price="9.00"), line(quantity=60, price="9.00"))

    assert check(split, tiers()) == []


def test_every_unit_is_priced_at_the_tier_of_the_total():
    split = order(line(quantity=60, price="10.00"), line(quantity=60, price="9.00"))

    found = check(split, tiers())

    assert codes(found) == ["PRICE_ABOVE_AGREED"]
    assert found[0].line == 0


def test_an_order_below_the_tier_threshold_pays_the_small_quantity_price():
    assert check(order(line(quantity=99, price="10.00")), tiers()) == []


def test_a_discount_for_the_sku_beats_one_for_its_category_and_one_for_everything():
    terms = [
        term("discount", 60, percent="5"),
        term("discount", 61, percent="10", category="widgets"),
        term("discount", 62, percent="25", sku="A-100"),
    ]

    assert agreed_price("A-100", 1, terms, CATALOG["A-100"]).price == Decimal("9.00")
    assert agreed_price("B-200", 1, terms, CATALOG["B-200"]).price == Decimal("18.00")
    assert agreed_price("C-300", 1, terms, CATALOG["C-300"]).price == Decimal("7.60")


def test_a_unit_price_beats_every_discount():
    terms = [*tiers(), term("discount", 62, percent="50", sku="A-100")]

    price = agreed_price("A-100", 120, terms, CATALOG["A-100"])

    assert (price.price, price.source, price.term) == (Decimal("9.00"), "unit_price", terms[1])
    assert price.tier_quantity == 120


def test_without_a_price_term_the_list_price_is_agreed():
    price = agreed_price("C-300", 5, tiers(), CATALOG["C-300"])

    assert (price.price, price.source, price.term) == (Decimal("8.00"), "list_price", None)


def test_a_sku_with_neither_a_term_nor_a_catalog_price_has_no_agreed_price():
    price = agreed_price("NEW-1", 5, tiers(), None)

    assert (price.price, price.source, price.term) == (None, "none", None)


def test_tiers_that_do_not_cover_the_quantity_fall_back_to_the_list_price():
    small_only = [term("unit_price", 51, sku="A-100", price="10.00", max_quantity=99)]

    assert agreed_price("A-100", 150, small_only, CATALOG["A-100"]).source == "list_price"


def test_of_overlapping_tiers_the_one_starting_higher_wins():
    terms = [*tiers(), term("unit_price", 53, sku="A-100", price="8.00", min_quantity=500)]

    assert agreed_price("A-100", 499, terms, CATALOG["A-100"]).price == Decimal("9.00")
    assert agreed_price("A-100", 500, terms, CATALOG["A-100"]).price == Decimal("8.00")


def test_agreed_price_accepts_compiled_terms():
    compiled = compile_terms(tiers(), ORDER_DATE)

    assert agreed_price("A-100", 100, compiled, CATALOG["A-100"]).price == Decimal("9.00")


def test_a_discounted_price_is_rounded_half_up_to_cents():
    discount = [term("discount", 60, percent="7.5")]

    # 12.00 less 7.5% is 11.10; 8.00 less 7.5% is 7.40; 20.00 less 12.345% is 17.531 -> 17.53
    assert agreed_price("A-100", 1, discount, CATALOG["A-100"]).price == Decimal("11.10")
    assert agreed_price("C-300", 1, discount, CATALOG["C-300"]).price == Decimal("7.40")
    odd = [term("discount", 60, percent="12.345")]
    assert str(agreed_price("B-200", 1, odd, CATALOG["B-200"]).price) == "17.53"


def test_a_list_price_with_more_places_keeps_them_when_discounted():
    item = CatalogItem("X-1", Decimal("9.125"), "USD", "widgets")
    stored_with_zeros = CatalogItem("X-2", Decimal("12.0000"), "USD", "widgets")
    discount = [term("discount", 60, percent="10")]

    assert str(agreed_price("X-1", 1, discount, item).price) == "8.213"
    assert str(agreed_price("X-2", 1, discount, stored_with_zeros).price) == "10.80"


# the deviations


def test_an_order_at_the_agreed_tier_price_is_clear():
    assert check(order(line(quantity=120, price="9.00")), tiers()) == []


def test_a_price_above_the_agreed_tier_is_blocked_and_says_who_agreed_it():
    found = only(check(order(line(quantity=120, price="10.00")), tiers()))

    assert (found.code, found.severity, found.term_id) == ("PRICE_ABOVE_AGREED", "block", 52)
    assert (found.line, found.field, found.expected, found.actual) == (
        0,
        "unit_price",
        "9.00",
        "10.00",
    )
    assert found.message == (
        "Unit price 10.00 USD of A-100 is above the agreed 9.00 USD for 100+ units "
        f"(term 52, {AGREED})."
    )


def test_a_price_below_the_agreed_tier_is_flagged():
    found = only(check(order(line(quantity=50, price="9.50")), tiers()))

    assert (found.code, found.severity, found.term_id) == ("PRICE_BELOW_AGREED", "warn", 51)
    assert "below the agreed 10.00 USD for 1\N{EN DASH}99 units" in found.message


def test_a_discount_not_applied_is_named_after_the_discount():
    discount = [term("discount", 61, percent="7.5", category="widgets")]

    found = only(check(order(line(quantity=10, price="12.00")), discount))

    assert (found.code, found.term_id, found.expected, found.actual) == (
        "DISCOUNT_NOT_APPLIED",
        61,
        "11.10",
        "12.00",
    )
    assert found.message == (
        "Unit price 12.00 USD of A-100 is above 11.10 USD, the list price 12.00 USD less the "
        f"agreed 7.5% off category widgets (term 61, {AGREED})."
    )


def test_a_discount_honoured_is_clear():
    discount = [term("discount", 61, percent="7.5", category="widgets")]

    assert check(order(line(quantity=10, price="11.10")), discount) == []


def test_a_price_below_the_discounted_price_is_below_agreed():
    discount = [term("discount", 61, percent="7.5")]

    found = only(check(order(line(quantity=10, price="11.00")), discount))

    assert (found.code, found.term_id) == ("PRICE_BELOW_AGREED", 61)


def test_a_price_above_the_list_price_without_terms_is_above_agreed():
    found = only(check(order(line("C-300", 5, "8.50"))))

    assert (found.code, found.term_id, found.expected) == ("PRICE_ABOVE_AGREED", None, "8.00")
    assert "the list price, as no negotiated price applies" in found.message


def test_the_list_price_honoured_is_clear():
    assert check(order(line("C-300", 5, "8.00"))) == []


def test_a_product_without_any_price_gets_no_agreed_price():
    found = only(check(order(line("NEW-1", 5, "3.00"))))

    assert (found.code, found.severity, found.line, found.field, found.actual) == (
        "NO_AGREED_PRICE",
        "warn",
        0,
        "unit_price",
        "3.00",
    )
    assert "it is not in the catalog" in found.message


def test_a_new_product_with_a_unit_price_term_has_an_agreed_price():
    new = [term("unit_price", 70, sku="NEW-1", price="3.00")]

    assert check(order(line("NEW-1", 5, "3.00")), new) == []


def test_a_catalog_price_in_another_currency_is_no_agreed_price():
    found = only(check(order(line("EU-1", 1, "30.00"))))

    assert found.code == "NO_AGREED_PRICE"
    assert "its catalog price is in EUR, not USD" in found.message


def test_a_line_gets_one_price_deviation_at_most():
    terms = [
        *tiers(),
        term("discount", 61, percent="10", category="widgets"),
        term("unit_price", 50, sku="A-100", price="9.50", valid_to="2026-11-30"),
    ]

    found = check(order(line(quantity=120, price="11.00"), line("B-200", 1, "25.00")), terms)

    assert [(item.line, item.code) for item in found] == [
        (0, "PRICE_ABOVE_AGREED"),
        (1, "DISCOUNT_NOT_APPLIED"),
    ]


# terms outside their window


def test_an_expired_intro_price_is_a_term_not_in_force():
    intro = term("unit_price", 51, sku="A-100", price="10.00", valid_to="2026-12-14")

    found = only(check(order(line(quantity=10, price="10.00")), [intro]))

    assert (found.code, found.severity, found.term_id, found.expected, found.actual) == (
        "TERM_NOT_IN_FORCE",
        "warn",
        51,
        "12.00",
        "10.00",
    )
    assert found.message == (
        "Unit price 10.00 USD of A-100 is the price of a term not in force on 2026-12-15 "
        f"(term 51, {AGREED}), valid until 2026-12-14; the agreed price is 12.00 USD, the list "
        "price, as no negotiated price applies."
    )


def test_the_intro_price_within_its_window_is_clear():
    intro = term("unit_price", 51, sku="A-100", price="10.00", valid_to="2026-12-15")

    assert check(order(line(quantity=10, price="10.00")), [intro]) == []


def test_a_price_from_a_term_not_yet_valid_is_a_term_not_in_force():
    future = term("unit_price", 55, sku="A-100", price="11.00", valid_from="2027-01-01")

    found = only(check(order(line(quantity=10, price="11.00")), [future]))

    assert (found.code, found.term_id) == ("TERM_NOT_IN_FORCE", 55)
    assert "valid from 2027-01-01" in found.message


def test_an_expired_discount_charged_is_a_term_not_in_force():
    promo = term("discount", 60, percent="10", valid_from="2026-11-01", valid_to="2026-11-30")

    found = only(check(order(line(quantity=10, price="10.80")), [promo]))

    assert (found.code, found.term_id) == ("TERM_NOT_IN_FORCE", 60)


def test_an_expired_price_of_a_product_without_a_catalog_price_is_still_named():
    intro = term("unit_price", 70, sku="NEW-1", price="3.00", valid_to="2026-12-01")

    found = only(check(order(line("NEW-1", 5, "3.00")), [intro]))

    assert found.code == "TERM_NOT_IN_FORCE"
    assert found.expected is None
    assert "no price is agreed for it on that date" in found.message


def test_a_price_matching_no_term_is_not_called_a_term_not_in_force():
    intro = term("unit_price", 51, sku="A-100", price="10.00", valid_to="2026-12-14")

    assert codes(check(order(line(quantity=10, price="10.50")), [intro])) == ["PRICE_BELOW_AGREED"]


# currency


def test_an_order_in_another_currency_gets_no_price_deviations():
    terms = [*tiers(), term("currency", 80, code="USD")]

    found = check(order(line(quantity=120, price="99.00"), line("NEW-1"), currency="EUR"), terms)

    assert codes(found) == ["CURRENCY_MISMATCH"]


def test_a_list_price_stored_with_trailing_zeros_is_expected_in_cents():
    stored = {**CATALOG, "C-300": CatalogItem("C-300", Decimal("8.0000"), "USD", "gadgets")}

    found = only(check(order(line("C-300", 5, "8.50")), catalog=stored))

    assert (found.expected, found.actual) == ("8.00", "8.50")
    assert check(order(line("C-300", 5, "8")), catalog=stored) == []

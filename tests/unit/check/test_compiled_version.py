"""A version compiled once serves orders of every date as a fresh compilation would."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from terms.check import CompiledVersion, check_order, compile_terms
from tests.unit.check.builders import ORDER_DATE, codes, context, line, order, term, tiers

INTRO = term("unit_price", 50, sku="B-200", price="15.00", valid_to="2026-12-10")
CAP = term("volume_cap", 53, sku="A-100", max_quantity=1000, period_start="2026-11-01",
           period_end="2027-06-30")
PENDING = term("option", 54, name="extended_warranty", sku="WARR-EXT", decision="pending",
               terms="3 years")


def test_a_version_without_windows_is_compiled_once_for_every_date():
    version = CompiledVersion([*tiers(), CAP])

    first, later = version.on(ORDER_DATE), version.on(ORDER_DATE + timedelta(days=40))

    assert first.on == ORDER_DATE and later.on == ORDER_DATE + timedelta(days=40)
    assert later.rules is first.rules and later.prices is first.prices
    assert version.on(ORDER_DATE) is first


def test_a_windowed_term_is_in_force_only_on_its_dates():
    version = CompiledVersion([INTRO, *tiers()])
    early = order(line("B-200", 10, "15.00"), order_date="2026-12-09",
                  requested_ship_date="2026-12-18")
    late = order(line("B-200", 10, "15.00"))

    assert codes(check_order(early, version.on(early.order_date), context())) == []
    assert codes(check_order(late, version.on(late.order_date), context())) == [
        "TERM_NOT_IN_FORCE"]
    assert version.on(early.order_date).rules is not version.on(late.order_date).rules


def test_terms_of_a_date_still_refuse_an_order_of_another():
    version = CompiledVersion(tiers())

    try:
        check_order(order(), version.on(ORDER_DATE - timedelta(days=1)), context())
    except ValueError as error:
        assert "cannot check an order of 2026-12-15" in str(error)
    else:
        raise AssertionError("an order of another date was checked")


def test_a_version_names_its_caps_and_whether_a_signature_can_settle_an_option():
    assert CompiledVersion([*tiers(), CAP, PENDING]).volume_cap_ids == (53,)
    assert CompiledVersion([*tiers(), CAP, PENDING]).has_pending_options
    assert not CompiledVersion(tiers()).has_pending_options
    assert CompiledVersion(tiers()).volume_cap_ids == ()


@settings(max_examples=60, deadline=None)
@given(offset=st.integers(min_value=-30, max_value=60),
       price=st.sampled_from(["9.00", "10.00", "15.00", "20.00"]),
       quantity=st.integers(min_value=1, max_value=200))
def test_any_date_is_checked_as_a_compilation_for_that_date_would(offset, price, quantity):
    version = CompiledVersion([INTRO, *tiers(), CAP])
    version.on(ORDER_DATE)  # an earlier date warms the version first, as the service does
    day = ORDER_DATE + timedelta(days=offset)
    the_order = order(line(quantity=quantity, price=price), line("B-200", 5, price),
                      order_date=day.isoformat(),
                      requested_ship_date=(day + timedelta(days=3)).isoformat())

    assert check_order(the_order, version.on(day), context()) == check_order(
        the_order, compile_terms(version.terms, day), context())

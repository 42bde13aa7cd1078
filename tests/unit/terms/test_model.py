from datetime import date
from decimal import Decimal

import pytest

from terms.model import FrozenParams, Term

from .builders import day, price


def test_params_given_as_a_dict_are_stored_frozen():
    term = Term(kind="currency", params={"code": "USD"})

    assert isinstance(term.params, FrozenParams)
    with pytest.raises(TypeError):
        term.params["code"] = "EUR"  # type: ignore[index]


def test_changing_the_callers_dict_does_not_change_the_term():
    params = {"code": "USD"}
    term = Term(kind="currency", params=params)

    params["code"] = "EUR"

    assert term.params["code"] == "USD"


def test_terms_with_equal_values_are_equal_and_hash_alike():
    a = Term(kind="unit_price", params={"sku": "A", "price": Decimal("12.50")})
    b = Term(kind="unit_price", params={"price": Decimal("12.5"), "sku": "A"})

    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1


def test_params_compare_equal_to_a_plain_dict():
    assert FrozenParams({"a": 1}) == {"a": 1}
    assert FrozenParams({"a": 1}) != {"a": 2}


def test_terms_with_other_ids_are_not_equal_but_make_the_same_promise():
    a = Term(kind="currency", params={"code": "USD"}, id=1)
    b = Term(kind="currency", params={"code": "USD"}, id=2)

    assert a != b
    assert a.same_promise(b)


def test_a_term_without_window_is_in_force_on_any_day():
    assert price().in_window(date(1970, 1, 1))
    assert price().in_window(date(2999, 12, 31))


def test_the_window_includes_both_of_its_ends():
    term = Term(
        kind="currency",
        params={"code": "USD"},
        valid_from=day("2027-01-01"),
        valid_to=day("2027-01-31"),
    )

    assert not term.in_window(day("2026-12-31"))
    assert term.in_window(day("2027-01-01"))
    assert term.in_window(day("2027-01-31"))
    assert not term.in_window(day("2027-02-01"))


def test_an_open_ended_window_has_only_one_edge():
    starts = Term(kind="currency", params={"code": "USD"}, valid_from=day("2027-01-01"))
    ends = Term(kind="currency", params={"code": "USD"}, valid_to=day("2027-01-01"))

    assert starts.in_window(day("2030-01-01")) and not starts.in_window(day("2026-12-31"))
    assert ends.in_window(day("2020-01-01")) and not ends.in_window(day("2027-01-02"))

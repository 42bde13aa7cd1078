import json
from datetime import date

import pytest

from terms.errors import TermsInvalid
from terms.kinds import kind_names
from terms.parse import parse_term, parse_terms, term_to_json

from .builders import price, problems, raw, stored


def test_a_term_is_parsed_with_note_and_window():
    term = parse_term(
        {
            "kind": "currency",
            "params": {"code": "EUR"},
            "note": "  customer books in euros ",
            "valid_from": "2027-01-01",
            "valid_to": "2027-12-31",
        }
    )

    assert term.kind == "currency"
    assert term.note == "customer books in euros"
    assert term.valid_from == date(2027, 1, 1)
    assert term.valid_to == date(2027, 12, 31)
    assert term.id is None and term.replaces_id is None


def test_a_term_without_note_or_window_has_empty_note_and_open_window():
    term = parse_term(
        {"kind": "currency", "params": {"code": "EUR"}, "note": None, "valid_from": None}
    )

    assert (term.note, term.valid_from, term.valid_to) == ("", None, None)


def test_a_missing_kind_is_named():
    assert problems({"params": {}}) == {"kind": ["is required"]}


def test_an_unknown_kind_is_refused_listing_the_valid_kinds():
    errors = problems({"kind": "rebate", "params": {}})

    assert list(errors) == ["kind"]
    assert errors["kind"][0].startswith("is not a kind of term; valid kinds: unit_price, discount")
    assert all(name in errors["kind"][0] for name in kind_names())


def test_params_that_are_not_an_object_are_refused():
    assert problems({"kind": "currency", "params": ["USD"]}) == {"params": ["must be an object"]}


def test_a_term_that_is_not_an_object_is_refused_as_a_whole():
    assert problems("currency") == {"": ["must be an object with kind and params"]}


def test_unknown_term_fields_are_named_but_echoed_ids_are_ignored():
    errors = problems({"kind": "currency", "params": {"code": "USD"}, "id": 4, "colour": "red"})

    assert list(errors) == ["colour"]


def test_a_window_ending_before_it_starts_is_refused():
    errors = problems(
        {**raw("currency", code="USD"), "valid_from": "2027-02-01", "valid_to": "2027-01-31"}
    )

    assert errors == {"valid_to": ["must be on or after valid_from (2027-02-01)"]}


def test_bad_window_dates_and_note_are_named():
    errors = problems(
        {**raw("currency", code="USD"), "valid_from": "tomorrow", "valid_to": 5, "note": 3}
    )

    assert errors == {
        "note": ["must be a string"],
        "valid_from": ["must be a date in YYYY-MM-DD form"],
        "valid_to": ["must be a date in YYYY-MM-DD form"],
    }


def test_every_problem_of_a_term_is_reported_at_once():
    errors = problems(
        {
            "kind": "unit_price",
            "params": {"sku": "", "price": 10, "min_quantity": 0, "extra": 1},
            "valid_from": "2027-13-01",
        }
    )

    assert set(errors) == {
        "params.extra",
        "params.sku",
        "params.price",
        "params.min_quantity",
        "valid_from",
    }


def test_an_unknown_kind_still_reports_problems_of_the_other_fields():
    assert set(problems({"kind": "nope", "valid_to": "x"})) == {"kind", "valid_to"}


def test_terms_are_parsed_in_order():
    terms = parse_terms([raw("currency", code="USD"), raw("lead_time", max_business_days=5)])

    assert [term.kind for term in terms] == ["currency", "lead_time"]


def test_errors_of_a_list_are_keyed_by_the_terms_position():
    with pytest.raises(TermsInvalid) as caught:
        parse_terms([raw("currency", code="USD"), raw("unit_price", sku="A", price=1), 7])

    assert caught.value.errors == {
        "1.params.price": ['must be a decimal string such as "12.50", not a number'],
        "2": ["must be an object with kind and params"],
    }


def test_a_list_of_terms_must_be_a_list():
    for value in ("terms", {"kind": "currency"}):
        with pytest.raises(TermsInvalid) as caught:
            parse_terms(value)  # type: ignore[arg-type]
        assert caught.value.errors == {"": ["must be a list of terms"]}


def test_an_empty_list_is_no_terms():
    assert parse_terms([]) == ()


def test_errors_can_be_put_under_the_requests_field():
    error = TermsInvalid({"": ["must be a list"], "2.kind": ["is required"]})

    assert error.prefixed("terms").errors == {
        "terms": ["must be a list"],
        "terms.2.kind": ["is required"],
    }


def test_a_term_is_written_as_json_keeping_the_scale_of_its_money():
    term = parse_term(
        {
            **raw("unit_price", sku="A-100", price="12.50", max_quantity=99),
            "note": "intro",
            "valid_from": "2027-01-01",
        }
    )

    assert term_to_json(term) == {
        "kind": "unit_price",
        "params": {"sku": "A-100", "price": "12.50", "max_quantity": 99},
        "note": "intro",
        "valid_from": "2027-01-01",
        "valid_to": None,
    }


def test_term_json_names_ids_only_once_stored():
    term = stored(price(), 51, replaces_id=40)

    assert term_to_json(term)["id"] == 51
    assert term_to_json(term)["replaces_id"] == 40
    assert "id" not in term_to_json(price())
    assert "replaces_id" not in term_to_json(stored(price(), 51))


def test_term_json_is_plain_json():
    term = parse_term(
        raw("volume_cap", max_amount="100.0", period_start="2027-01-01", period_end="2027-12-31")
    )

    assert json.loads(json.dumps(term_to_json(term)))["params"]["period_end"] == "2027-12-31"


def test_a_term_read_back_from_its_json_is_the_same_term():
    term = stored(
        parse_term(
            {**raw("shipping", method="air", free_freight_over="99.90"), "valid_to": "2027-06-30"}
        ),
        8,
    )

    again = parse_term(term_to_json(term))

    assert again.same_promise(term)
    assert str(again.params["free_freight_over"]) == "99.90"

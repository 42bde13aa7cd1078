import importlib
from dataclasses import replace

import pytest

from terms.kinds import FieldSpec, all_kinds, describe_term, get_kind, kind_schema

from .builders import day, parsed

SPEC_ORDER = [
    "unit_price",
    "discount",
    "payment_terms",
    "incoterm",
    "shipping",
    "lead_time",
    "quantity_limits",
    "volume_cap",
    "currency",
    "partial_shipments",
    "option",
    "clause",
]


def test_every_kind_of_the_specification_is_registered_in_its_order():
    assert [kind.name for kind in all_kinds()] == SPEC_ORDER


def test_each_kind_module_names_its_kind_after_the_module():
    for name in SPEC_ORDER:
        module = importlib.import_module(f"terms.kinds.{name}")
        assert module.KIND.name == name
        assert get_kind(name) is module.KIND


def test_an_unknown_kind_is_a_key_error():
    with pytest.raises(KeyError):
        get_kind("rebate")


def test_every_kind_has_a_label_and_labelled_fields():
    for kind in all_kinds():
        assert kind.label
        assert kind.fields
        assert all(spec.label for spec in kind.fields)
        assert len({spec.name for spec in kind.fields}) == len(kind.fields)


def test_choice_fields_list_their_choices():
    for kind in all_kinds():
        for spec in kind.fields:
            assert bool(spec.choices) == (spec.type == "choice"), (kind.name, spec.name)


def test_a_field_of_an_unknown_type_cannot_be_declared():
    with pytest.raises(ValueError, match="unknown field type"):
        FieldSpec("x", "float", True, "X")


def test_a_kind_is_described_for_forms_as_json():
    schema = kind_schema(get_kind("clause"))

    assert schema["name"] == "clause"
    assert schema["fields"][0] == {
        "name": "text",
        "type": "text",
        "required": True,
        "label": "Text",
        "choices": [],
        "help": "",
    }
    assert schema["fields"][1]["default"] is False


def test_a_description_ends_with_the_terms_window():
    term = parsed("currency", code="EUR")

    assert describe_term(term, "EUR") == "Orders and invoices in EUR"
    assert describe_term(replace(term, valid_from=day("2027-01-01")), "EUR") == (
        "Orders and invoices in EUR (valid from 2027-01-01)"
    )
    assert describe_term(replace(term, valid_to=day("2027-03-31")), "EUR") == (
        "Orders and invoices in EUR (valid until 2027-03-31)"
    )
    assert (
        describe_term(
            replace(term, valid_from=day("2027-01-01"), valid_to=day("2027-03-31")), "EUR"
        )
        == "Orders and invoices in EUR (valid 2027-01-01 to 2027-03-31)"
    )

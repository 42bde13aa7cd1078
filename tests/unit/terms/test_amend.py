import pytest

from terms.amend import apply_amendment
from terms.errors import AmendmentInvalid

from .builders import parsed, price, stored

CURRENT = (
    stored(price("A-100", "10.00", max_quantity=99), 51),
    stored(price("A-100", "9.00", min_quantity=100), 52),
    stored(parsed("payment_terms", net_days=45), 53),
)


def refused(**amendment):
    with pytest.raises(AmendmentInvalid) as caught:
        apply_amendment(CURRENT, **amendment)
    return caught.value.errors


def test_a_replacement_takes_the_old_terms_place_and_remembers_it():
    new = price("A-100", "9.50", max_quantity=99)

    result = apply_amendment(CURRENT, replace=[(51, new)])

    assert [t.id for t in result] == [None, 52, 53]
    assert result[0].replaces_id == 51
    assert result[0].params["price"] == new.params["price"]
    assert result[1] is CURRENT[1] and result[2] is CURRENT[2]


def test_replacements_may_be_given_as_a_mapping():
    result = apply_amendment(CURRENT, replace={52: price("A-100", "8.50", min_quantity=100)})

    assert [(t.id, t.replaces_id) for t in result] == [(51, None), (None, 52), (53, None)]


def test_added_terms_go_at_the_end_without_ids():
    added = stored(parsed("currency", code="USD"), 999, replaces_id=5)

    result = apply_amendment(CURRENT, add=[added])

    assert result[:3] == CURRENT
    assert result[3].kind == "currency"
    assert (result[3].id, result[3].replaces_id) == (None, None)


def test_removed_terms_are_left_out():
    assert [t.id for t in apply_amendment(CURRENT, remove=[52])] == [51, 53]


def test_one_amendment_may_add_replace_and_remove():
    result = apply_amendment(
        CURRENT,
        add=[parsed("lead_time", max_business_days=5)],
        replace=[(53, parsed("payment_terms", net_days=30))],
        remove=[51],
    )

    assert [(t.kind, t.id, t.replaces_id) for t in result] == [
        ("unit_price", 52, None),
        ("payment_terms", None, 53),
        ("lead_time", None, None),
    ]


def test_the_current_terms_are_not_changed():
    before = tuple(CURRENT)

    apply_amendment(CURRENT, replace=[(51, price("A-100", "1.00"))], remove=[52])

    assert before == CURRENT
    assert [t.id for t in CURRENT] == [51, 52, 53]


def test_an_amendment_that_changes_nothing_is_refused():
    assert refused() == {
        "amendment": ["An amendment must add, replace or remove at least one term."]
    }


def test_replacing_an_unknown_term_is_refused_at_its_position():
    errors = refused(replace=[(51, price("A-100", "1.00")), (99, price())])

    assert errors == {"replace.1.term_id": ["Term 99 is not a term of the current version."]}


def test_the_version_number_can_be_named_in_messages():
    with pytest.raises(AmendmentInvalid) as caught:
        apply_amendment(CURRENT, remove=[99], version_number=2)

    assert caught.value.errors == {"remove.0": ["Term 99 is not a term of version 2."]}


def test_removing_an_unknown_term_is_refused():
    assert refused(remove=[53, 7]) == {"remove.1": ["Term 7 is not a term of the current version."]}


def test_a_term_id_must_be_a_number():
    assert refused(remove=["51", True]) == {
        "remove.0": ["must be a term id"],
        "remove.1": ["must be a term id"],
    }


def test_replacing_the_same_term_twice_is_refused():
    errors = refused(replace=[(51, price("A-100", "1.00")), (51, price("A-100", "2.00"))])

    assert errors == {
        "replace.1.term_id": [
            "Term 51 is already amended by replace.0; a term is replaced or removed once."
        ]
    }


def test_replacing_and_removing_the_same_term_is_refused():
    errors = refused(replace=[(51, price("A-100", "1.00"))], remove=[51])

    assert errors == {
        "remove.0": ["Term 51 is already amended by replace.0; a term is replaced or removed once."]
    }


def test_removing_the_same_term_twice_is_refused():
    assert list(refused(remove=[52, 52])) == ["remove.1"]


def test_a_replacement_keeps_the_kind():
    errors = refused(replace=[(53, parsed("lead_time", max_business_days=5))])

    assert errors == {
        "replace.0.kind": [
            "A replacement keeps the kind (payment_terms); remove the term and add a new one "
            "instead."
        ]
    }


def test_a_replacement_identical_to_the_old_term_is_refused():
    errors = refused(replace=[(52, price("A-100", "9.0", min_quantity=100))])

    assert errors == {
        "replace.0": ["The replacement is identical to term 52; leave it out or change it."]
    }


def test_every_problem_of_an_amendment_is_reported_at_once():
    errors = refused(
        replace=[(99, price()), (53, price())],
        remove=[98],
    )

    assert set(errors) == {"replace.0.term_id", "replace.1.kind", "remove.0"}


def test_amendment_errors_can_be_put_under_a_field():
    with pytest.raises(AmendmentInvalid) as caught:
        apply_amendment(CURRENT, remove=[99])

    assert list(caught.value.prefixed("body").errors) == ["body.remove.0"]

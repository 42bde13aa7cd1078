from dataclasses import replace

from terms.amend import apply_amendment
from terms.diff import diff_terms, diff_to_json

from .builders import day, parsed, price, stored

V1 = (
    stored(price("A-100", "10.00", max_quantity=99), 51),
    stored(parsed("payment_terms", net_days=45), 52),
    stored(parsed("clause", text="Logo on cartons"), 53),
)


def test_identical_versions_have_an_empty_diff():
    diff = diff_terms(V1, V1)

    assert diff.empty
    assert (diff.added, diff.removed, diff.changed) == ((), (), ())


def test_a_replaced_term_shows_each_changed_field():
    new = apply_amendment(
        V1, replace=[(51, replace(price("A-100", "9.50", max_quantity=99), note="phone call"))]
    )

    diff = diff_terms(V1, new)

    assert diff.added == () and diff.removed == ()
    [change] = diff.changed
    assert change.old is V1[0]
    assert change.new is new[0]
    assert dict(change.fields) == {
        "params.price": ("10.00", "9.50"),
        "note": ("", "phone call"),
    }


def test_params_appearing_or_disappearing_show_as_none_on_the_other_side():
    new = apply_amendment(V1, replace=[(51, price("A-100", "10.00", min_quantity=5))])

    [change] = diff_terms(V1, new).changed

    assert dict(change.fields) == {
        "params.max_quantity": (99, None),
        "params.min_quantity": (None, 5),
    }


def test_window_changes_are_shown_as_iso_dates():
    new = apply_amendment(V1, replace=[(52, replace(V1[1], valid_to=day("2027-06-30")))])

    [change] = diff_terms(V1, new).changed

    assert dict(change.fields) == {"valid_to": (None, "2027-06-30")}


def test_added_and_removed_terms_are_listed():
    new = apply_amendment(V1, add=[parsed("currency", code="EUR")], remove=[53])

    diff = diff_terms(V1, new)

    assert [t.kind for t in diff.added] == ["currency"]
    assert diff.removed == (V1[2],)
    assert diff.changed == ()


def test_changes_are_found_across_versions_in_between():
    v2 = tuple(
        stored(t, 60 + i) if t.id is None else t
        for i, t in enumerate(
            apply_amendment(V1, replace=[(51, price("A-100", "9.50", max_quantity=99))])
        )
    )
    v3 = apply_amendment(v2, replace=[(60, price("A-100", "9.00", max_quantity=99))])
    lineage = {60: 51}

    [change] = diff_terms(V1, v3, lineage).changed

    assert change.old is V1[0]
    assert dict(change.fields) == {"params.price": ("10.00", "9.00")}


def test_a_diff_may_go_from_the_newer_version_to_the_older():
    v2 = (stored(price("A-100", "9.50", max_quantity=99), 60, replaces_id=51), *V1[1:])

    [change] = diff_terms(v2, V1).changed

    assert change.old is v2[0] and change.new is V1[0]
    assert dict(change.fields) == {"params.price": ("9.50", "10.00")}


def test_a_change_undone_later_is_no_change():
    # Version 2 made term 60 (9.50) replacing 51; version 3 puts the old price back.
    v3 = (stored(price("A-100", "10.0", max_quantity=99), 70, replaces_id=60), *V1[1:])

    assert diff_terms(V1, v3, {60: 51}).empty


def test_without_lineage_an_unlinked_replacement_reads_as_removed_and_added():
    v3 = (stored(price("A-100", "9.00", max_quantity=99), 70, replaces_id=60), *V1[1:])

    diff = diff_terms(V1, v3)

    assert diff.removed == (V1[0],)
    assert diff.added == (v3[0],)


def test_a_diff_is_written_as_json():
    new = apply_amendment(
        V1,
        add=[parsed("currency", code="EUR")],
        replace=[(51, price("A-100", "9.50", max_quantity=99))],
        remove=[53],
    )

    document = diff_to_json(diff_terms(V1, new))

    assert document["added"] == [
        {
            "kind": "currency",
            "params": {"code": "EUR"},
            "note": "",
            "valid_from": None,
            "valid_to": None,
        }
    ]
    assert [t["id"] for t in document["removed"]] == [53]
    [change] = document["changed"]
    assert change["old"]["id"] == 51
    assert change["new"]["replaces_id"] == 51
    assert change["fields"] == {"params.price": {"old": "10.00", "new": "9.50"}}

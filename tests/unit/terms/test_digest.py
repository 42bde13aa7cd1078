import hashlib
from datetime import date, datetime
from decimal import Decimal

import pytest

from terms.digest import canonical_json, version_digest
from terms.model import Term
from terms.parse import parse_term

from .builders import day, price, raw, stored


def digest(*terms, number=1, deal="OPP-981", effective="2026-11-20"):
    return version_digest(deal, number, day(effective), terms)


def test_canonical_json_sorts_keys_and_has_no_whitespace():
    assert canonical_json({"b": 1, "a": [True, None, "x"]}) == b'{"a":[true,null,"x"],"b":1}'


def test_canonical_json_writes_decimals_as_normalised_strings():
    assert canonical_json(Decimal("12.50")) == b'"12.5"'
    assert canonical_json(Decimal("12.5")) == b'"12.5"'
    assert canonical_json(Decimal("100")) == b'"100"'
    assert canonical_json(Decimal("1E+2")) == b'"100"'
    assert canonical_json(Decimal("0.00")) == b'"0"'
    assert canonical_json(Decimal("0.0001")) == b'"0.0001"'


def test_canonical_json_writes_dates_in_iso_form():
    assert canonical_json({"d": date(2027, 1, 2)}) == b'{"d":"2027-01-02"}'
    assert canonical_json(datetime(2027, 1, 2, 3, 4)) == b'"2027-01-02T03:04:00"'


def test_canonical_json_is_utf8_not_escaped():
    assert canonical_json("Zürich") == '"Zürich"'.encode()


def test_canonical_json_refuses_floats():
    with pytest.raises(TypeError):
        canonical_json({"price": 12.5})


def test_canonical_json_refuses_non_string_keys_and_unknown_values():
    with pytest.raises(TypeError):
        canonical_json({1: "a"})
    with pytest.raises(TypeError):
        canonical_json({"a": object()})
    with pytest.raises(ValueError):
        canonical_json(Decimal("NaN"))


def test_a_digest_is_sha256_hex():
    value = digest(price())

    assert len(value) == 64
    assert int(value, 16) >= 0


def test_the_digest_does_not_depend_on_the_order_of_terms():
    a, b = price("A-100", "10.00"), parse_term(raw("currency", code="USD"))

    assert digest(a, b) == digest(b, a)


def test_the_digest_does_not_depend_on_the_order_of_params():
    a = Term(kind="unit_price", params={"sku": "A", "price": Decimal("1.00")})
    b = Term(kind="unit_price", params={"price": Decimal("1.00"), "sku": "A"})

    assert digest(a) == digest(b)


def test_the_digest_does_not_depend_on_trailing_zeros_of_amounts():
    assert digest(price("A", "12.50")) == digest(price("A", "12.5"))


def test_the_digest_ignores_ids():
    assert digest(stored(price(), 51)) == digest(price())
    assert digest(stored(price(), 60, replaces_id=51)) == digest(price())


def test_the_digest_changes_with_any_promise():
    base = digest(price("A-100", "10.00"))

    assert digest(price("A-100", "10.01")) != base
    assert digest(price("A-101", "10.00")) != base
    assert digest(Term(kind="unit_price", params=price().params, note="why")) != base
    assert (
        digest(Term(kind="unit_price", params=price().params, valid_to=day("2027-01-01"))) != base
    )


def test_the_digest_covers_deal_number_and_effective_date():
    base = digest(price())

    assert digest(price(), deal="OPP-982") != base
    assert digest(price(), number=2) != base
    assert digest(price(), effective="2026-11-21") != base


def test_the_digest_counts_duplicate_terms():
    assert digest(price(), price()) != digest(price())


def test_the_digest_of_known_input_is_stable():
    # Pinned: if this changes, every stored signature stops verifying.
    document = (
        b'{"deal":"OPP-981","effective_from":"2026-11-20","number":1,"terms":[{"kind":'
        b'"unit_price","note":"","params":{"max_quantity":99,"price":"10","sku":"A-100"},'
        b'"valid_from":null,"valid_to":null}]}'
    )

    assert digest(price("A-100", "10.00", max_quantity=99)) == hashlib.sha256(document).hexdigest()
    assert digest(price("A-100", "10.00", max_quantity=99)) == (
        "9b48749176a282f68a757d385aa0fec9bcd25d742e1dce33ce06353a0cdcf020"
    )

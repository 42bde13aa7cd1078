"""Properties that hold for any input, checked with Hypothesis."""

import json
import random
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from terms.amend import apply_amendment
from terms.digest import canonical_json, version_digest
from terms.model import Term
from terms.parse import parse_term, term_to_json
from terms.resolve import terms_in_force, version_in_force

from .builders import stored, version

skus = st.text(alphabet="ABCDEFGHIJ-0123456789", min_size=1, max_size=8)
amounts = st.decimals(min_value=0, max_value=10**6, places=2).map(str)
quantities = st.integers(min_value=1, max_value=10_000)
days = st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31))

# Wall-clock limits flake on a busy machine; these properties are about results, not speed.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def raw_terms(draw):
    """A valid term as a client sends it, of one of several kinds."""
    choice = draw(st.sampled_from(["unit_price", "currency", "payment_terms", "clause", "cap"]))
    if choice == "unit_price":
        params = {"sku": draw(skus), "price": draw(amounts)}
        if draw(st.booleans()):
            params["max_quantity"] = draw(quantities)
        result = {"kind": "unit_price", "params": params}
    elif choice == "currency":
        result = {"kind": "currency", "params": {"code": draw(st.sampled_from(["USD", "EUR"]))}}
    elif choice == "payment_terms":
        result = {"kind": "payment_terms", "params": {"net_days": draw(st.integers(0, 120))}}
    elif choice == "clause":
        text = draw(st.text(min_size=1, max_size=30).filter(str.strip))
        result = {
            "kind": "clause",
            "params": {"text": text, "review_on_order": draw(st.booleans())},
        }
    else:
        start = draw(days)
        end = start + timedelta(days=draw(st.integers(0, 400)))
        result = {
            "kind": "volume_cap",
            "params": {
                "max_amount": draw(amounts.filter(lambda a: Decimal(a) > 0)),
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
            },
        }
    result["note"] = draw(st.text(max_size=20))
    return result


terms = raw_terms().map(parse_term)


def shuffled_params(term: Term, rng: random.Random) -> Term:
    items = list(term.params.items())
    rng.shuffle(items)
    return Term(
        kind=term.kind,
        params=dict(items),
        note=term.note,
        valid_from=term.valid_from,
        valid_to=term.valid_to,
    )


@relaxed
@given(st.lists(terms, max_size=8), st.randoms(use_true_random=False))
def test_the_digest_depends_on_neither_term_order_nor_key_order(term_list, rng):
    shuffled = [shuffled_params(term, rng) for term in term_list]
    rng.shuffle(shuffled)

    assert version_digest("D", 1, date(2027, 1, 1), term_list) == version_digest(
        "D", 1, date(2027, 1, 1), shuffled
    )


@relaxed
@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, min_value=-(10**12), max_value=10**12
    ),
    st.integers(min_value=0, max_value=6),
)
def test_canonical_decimals_ignore_trailing_zeros_and_read_back_equal(value, extra_zeros):
    padded = value.quantize(Decimal(1).scaleb(-(4 + extra_zeros)))

    text = canonical_json(value)

    assert canonical_json(padded) == text
    assert "e" not in text.decode().lower()
    assert Decimal(json.loads(text)) == value


@relaxed
@given(raw_terms())
def test_a_term_written_as_json_reads_back_as_the_same_promise(raw):
    term = parse_term(raw)

    again = parse_term(json.loads(json.dumps(term_to_json(term))))

    assert again == term
    assert term_to_json(again) == term_to_json(term)


@relaxed
@given(st.lists(days, min_size=1, max_size=6), days, days)
def test_a_later_date_never_selects_an_older_version(effective_dates, one, other):
    versions = [version(n, d) for n, d in enumerate(effective_dates, start=1)]
    earlier, later = min(one, other), max(one, other)

    before = version_in_force(versions, earlier)
    after = version_in_force(versions, later)

    if before is not None:
        assert after is not None
        assert after.number >= before.number


@relaxed
@given(st.lists(days, min_size=1, max_size=6), days)
def test_terms_in_force_come_from_the_version_in_force(effective_dates, on):
    versions = [
        version(n, d, Term(kind="currency", params={"code": "USD"}, valid_to=d))
        for n, d in enumerate(effective_dates, start=1)
    ]

    found = terms_in_force(versions, on)

    if found is None:
        assert version_in_force(versions, on) is None
    else:
        assert found.version is version_in_force(versions, on)
        assert set(found.terms) <= set(found.version.terms)
        assert all(term.in_window(on) for term in found.terms)


@st.composite
def amendments(draw):
    """Current stored terms and an amendment that applies to them."""
    current = tuple(
        stored(term, 100 + index) for index, term in enumerate(draw(st.lists(terms, max_size=8)))
    )
    ids = [term.id for term in current]
    touched = draw(st.lists(st.sampled_from(ids), unique=True) if ids else st.just([]))
    split = draw(st.integers(0, len(touched)))
    replace = [
        (
            term_id,
            Term(
                kind=current[term_id - 100].kind,
                params=current[term_id - 100].params,
                note="changed " + str(term_id),
            ),
        )
        for term_id in touched[:split]
    ]
    remove = touched[split:]
    add = draw(st.lists(terms, max_size=3))
    if not (replace or remove or add):
        add = [parse_term({"kind": "currency", "params": {"code": "USD"}})]
    return current, add, replace, remove


@relaxed
@given(amendments())
def test_an_amendment_never_changes_the_version_it_amends(case):
    current, add, replace, remove = case
    snapshot = [(term.id, term_to_json(term)) for term in current]

    result = apply_amendment(current, add=add, replace=replace, remove=remove)

    assert [(term.id, term_to_json(term)) for term in current] == snapshot
    touched = {term_id for term_id, _ in replace} | set(remove)
    kept = [term.id for term in result if term.id is not None]
    assert kept == [term.id for term in current if term.id not in touched]
    assert {term.replaces_id for term in result if term.replaces_id} == {i for i, _ in replace}
    assert len(result) == len(current) - len(remove) + len(add)

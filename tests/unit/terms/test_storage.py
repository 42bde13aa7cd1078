"""A term read back from storage is the term that was stored, without validating it again."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from hypothesis import given

from terms.kinds import kind_names
from terms.model import Term
from terms.parse import parse_term, term_from_storage, term_to_json

from .test_properties import raw_terms, relaxed

EVERY_KIND = [
    {"kind": "unit_price", "params": {"sku": "A-100", "price": "10.00", "max_quantity": 99},
     "note": "intro price", "valid_from": "2026-11-20", "valid_to": "2026-12-31"},
    {"kind": "discount", "params": {"percent": "7.5", "category": "widgets"}},
    {"kind": "payment_terms", "params": {"net_days": 45, "early_discount_percent": "2",
                                         "early_discount_days": 10}},
    {"kind": "incoterm", "params": {"code": "FOB", "place": "Oakland"}},
    {"kind": "shipping", "params": {"method": "ground", "freight": "prepaid",
                                    "free_freight_over": "5000.00"}},
    {"kind": "lead_time", "params": {"max_business_days": 10}},
    {"kind": "quantity_limits", "params": {"sku": "A-100", "multiple_of": 5,
                                           "max_per_order": 900}},
    {"kind": "volume_cap", "params": {"sku": "A-100", "max_quantity": 1000,
                                      "period_start": "2026-11-01", "period_end": "2027-06-30"}},
    {"kind": "currency", "params": {"code": "USD"}},
    {"kind": "partial_shipments", "params": {"allowed": False}},
    {"kind": "option", "params": {"name": "extended_warranty", "sku": "WARR-EXT",
                                  "decision": "pending", "terms": "3 years parts and labour"}},
    {"kind": "clause", "params": {"text": "Customer logo on every carton",
                                  "review_on_order": True}},
]


def _as_stored(term: Term, seed: int = 0) -> Term:
    """Through JSON, with the keys in another order (PostgreSQL's JSONB keeps its own)."""
    body = json.loads(json.dumps(term_to_json(term)))
    keys = list(body["params"])
    random.Random(seed).shuffle(keys)
    return term_from_storage(
        body["kind"], {key: body["params"][key] for key in keys}, note=body["note"],
        valid_from=date.fromisoformat(body["valid_from"]) if body["valid_from"] else None,
        valid_to=date.fromisoformat(body["valid_to"]) if body["valid_to"] else None,
        id=51, replaces_id=50)


def _same(read: Term, parsed: Term) -> None:
    assert read == parsed
    assert list(read.params.items()) == list(parsed.params.items())
    assert [type(v) for v in read.params.values()] == [type(v) for v in parsed.params.values()]
    assert term_to_json(read) == term_to_json(parsed)


def test_the_examples_cover_every_kind():
    assert sorted(raw["kind"] for raw in EVERY_KIND) == sorted(kind_names())


@pytest.mark.parametrize("raw", EVERY_KIND, ids=lambda raw: raw["kind"])
def test_a_stored_term_of_each_kind_reads_back_as_parsed(raw):
    parsed = parse_term(raw)

    for seed in range(3):
        _same(_as_stored(parsed, seed), Term(**{**vars(parsed), "id": 51, "replaces_id": 50}))


@relaxed
@given(raw_terms())
def test_any_stored_term_reads_back_as_parsed(raw):
    parsed = parse_term(raw)

    _same(_as_stored(parsed), Term(**{**vars(parsed), "id": 51, "replaces_id": 50}))


def test_a_param_the_kind_does_not_know_is_not_read_quietly():
    with pytest.raises(KeyError, match="colour"):
        term_from_storage("currency", {"code": "USD", "colour": "red"})

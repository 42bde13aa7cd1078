"""Canonical JSON of terms and the SHA-256 digest of a terms version."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from terms.model import Term
from terms.money import plain


def canonical_json(obj: Any) -> bytes:
    """Canonical UTF-8 JSON: sorted keys, no whitespace, decimals normalised, dates ISO.

    ``Decimal("12.50")`` and ``Decimal("12.5")`` both become ``"12.5"``: the same promise gives
    the same bytes. Floats are refused, so no amount passes through a binary float.
    """
    return json.dumps(
        _canonical(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def term_canonical(term: Term) -> dict[str, Any]:
    """What of a term the digest covers: everything but its ids."""
    return {
        "kind": term.kind,
        "params": dict(term.params),
        "note": term.note,
        "valid_from": term.valid_from,
        "valid_to": term.valid_to,
    }


def version_digest(deal_ref: str, number: int, effective_from: date, terms: Sequence[Term]) -> str:
    """SHA-256 hex of a version's canonical JSON; term order and key order do not matter."""
    ordered = sorted((_canonical(term) for term in terms), key=canonical_json)
    document = {
        "deal": deal_ref,
        "number": number,
        "effective_from": effective_from,
        "terms": ordered,
    }
    return hashlib.sha256(canonical_json(document)).hexdigest()


def _canonical(obj: Any) -> Any:
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    if isinstance(obj, Decimal):
        if not obj.is_finite():
            raise ValueError(f"cannot put {obj} in canonical JSON")
        return plain(obj)
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, float):
        raise TypeError("floats have no canonical form here; use Decimal")
    if isinstance(obj, Term):
        return _canonical(term_canonical(obj))
    if isinstance(obj, Mapping):
        result: dict[str, Any] = {}
        for key, value in obj.items():
            if not isinstance(key, str):
                raise TypeError(f"canonical JSON keys must be strings, not {type(key).__name__}")
            result[key] = _canonical(value)
        return result
    if isinstance(obj, list | tuple):
        return [_canonical(item) for item in obj]
    raise TypeError(f"{type(obj).__name__} has no canonical JSON form")

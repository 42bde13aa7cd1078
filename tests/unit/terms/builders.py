"""Small builders of terms and versions for the terms unit tests."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from terms.errors import TermsInvalid
from terms.model import Term, TermsVersion
from terms.parse import parse_term


def raw(kind: str, note: str | None = None, **params: Any) -> dict[str, Any]:
    """A term as a client would send it."""
    result: dict[str, Any] = {"kind": kind, "params": params}
    if note is not None:
        result["note"] = note
    return result


def parsed(kind: str, **params: Any) -> Term:
    """A term parsed from client input."""
    return parse_term(raw(kind, **params))


def problems(data: Any) -> dict[str, list[str]]:
    """The field errors parse_term reports for ``data``."""
    with pytest.raises(TermsInvalid) as caught:
        parse_term(data)
    return caught.value.errors


def param_problems(kind: str, **params: Any) -> dict[str, list[str]]:
    """The field errors of a term of ``kind`` with ``params``."""
    return problems(raw(kind, **params))


def price(sku: str = "A-100", amount: str = "10.00", **more: Any) -> Term:
    """A unit_price term."""
    return parsed("unit_price", sku=sku, price=amount, **more)


def stored(term: Term, term_id: int, replaces_id: int | None = None) -> Term:
    """The term as the database hands it back."""
    return dataclasses.replace(term, id=term_id, replaces_id=replaces_id)


def version(number: int, effective_from: date, *terms: Term) -> TermsVersion:
    """A terms version."""
    return TermsVersion(number=number, effective_from=effective_from, terms=tuple(terms))


def day(text: str) -> date:
    """A date from ISO text."""
    return date.fromisoformat(text)

"""Terms from JSON-like input, and back to JSON."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from terms.errors import FieldErrors, TermsInvalid, merge_errors
from terms.kinds import FieldProblem, get_kind, kind_names, parse_date, parse_text
from terms.model import Term

TERM_KEYS = ("kind", "params", "note", "valid_from", "valid_to")
# Keys a client may echo back from a response; ids come from storage, never from input.
IGNORED_KEYS = ("id", "replaces_id", "term_id")
MAX_NOTE_LENGTH = 5000


def parse_term(raw: Mapping[str, Any]) -> Term:
    """A term from ``{"kind", "params", "note"?, "valid_from"?, "valid_to"?}``.

    Raises TermsInvalid naming every problem: keys are ``kind``, ``params``,
    ``params.<field>``, ``note``, ``valid_from``, ``valid_to``, an unknown key, or ``""`` when
    ``raw`` is not an object. ``id``, ``replaces_id`` and ``term_id`` are ignored.
    """
    if not isinstance(raw, Mapping):
        raise TermsInvalid({"": ["must be an object with kind and params"]})
    errors: FieldErrors = {}
    for key in raw:
        if key not in TERM_KEYS and key not in IGNORED_KEYS:
            errors.setdefault(str(key), []).append(
                f"is not a field of a term; expected: {', '.join(TERM_KEYS)}"
            )

    kind_name = _parse_kind(raw.get("kind"), errors)
    params = _parse_params(kind_name, raw.get("params"), errors)
    note = _parse_note(raw.get("note"), errors)
    valid_from = _parse_optional_date(raw, "valid_from", errors)
    valid_to = _parse_optional_date(raw, "valid_to", errors)
    if valid_from and valid_to and valid_from > valid_to:
        errors.setdefault("valid_to", []).append(
            f"must be on or after valid_from ({valid_from.isoformat()})"
        )
    if errors or kind_name is None or params is None:
        raise TermsInvalid(errors)
    return Term(kind=kind_name, params=params, note=note, valid_from=valid_from, valid_to=valid_to)


def parse_terms(raw: Sequence[Mapping[str, Any]]) -> tuple[Term, ...]:
    """Terms from a JSON-like list; raises TermsInvalid with keys ``"<index>.<path>"``."""
    if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
        raise TermsInvalid({"": ["must be a list of terms"]})
    errors: FieldErrors = {}
    parsed: list[Term] = []
    for index, item in enumerate(raw):
        try:
            parsed.append(parse_term(item))
        except TermsInvalid as error:
            merge_errors(errors, error.errors, index)
    if errors:
        raise TermsInvalid(errors)
    return tuple(parsed)


_FROM_JSON: dict[str, Callable[[Any], Any]] = {
    "money": Decimal,
    "percent": Decimal,
    "date": date.fromisoformat,
}


def term_from_storage(
    kind: str,
    params: Mapping[str, Any],
    *,
    note: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
    id: int | None = None,
    replaces_id: int | None = None,
) -> Term:
    """A term as :func:`term_to_json` stored it, read back without validating it again.

    Stored params were parsed when they were written (and the database keeps them as written),
    so only what JSON cannot hold is restored: money and percentages as ``Decimal``, dates. The
    params come in the order of the kind's fields, as :func:`parse_term` gives them, whatever
    order the database kept the keys in. A param the kind does not know raises ``KeyError``.
    """
    fields = get_kind(kind).fields
    known = {spec.name for spec in fields}
    unknown = [name for name in params if name not in known]
    if unknown:
        raise KeyError(f"{kind} has no param {unknown[0]!r}")
    values: dict[str, Any] = {}
    for spec in fields:
        value = params.get(spec.name)
        if value is not None:
            restore = _FROM_JSON.get(spec.type)
            values[spec.name] = restore(value) if restore is not None else value
    return Term(kind=kind, params=values, note=note, valid_from=valid_from, valid_to=valid_to,
                id=id, replaces_id=replaces_id)


def json_value(value: Any) -> Any:
    """A parsed param value as JSON: Decimal as stored (``"12.50"``), date as ISO."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def term_to_json(term: Term) -> dict[str, Any]:
    """A term as JSON-safe values; ``id`` and ``replaces_id`` only when set."""
    result: dict[str, Any] = {}
    if term.id is not None:
        result["id"] = term.id
    result.update(
        {
            "kind": term.kind,
            "params": {key: json_value(value) for key, value in term.params.items()},
            "note": term.note,
            "valid_from": term.valid_from.isoformat() if term.valid_from else None,
            "valid_to": term.valid_to.isoformat() if term.valid_to else None,
        }
    )
    if term.replaces_id is not None:
        result["replaces_id"] = term.replaces_id
    return result


def _parse_kind(value: Any, errors: FieldErrors) -> str | None:
    if value is None:
        errors.setdefault("kind", []).append("is required")
        return None
    name = value.strip() if isinstance(value, str) else value
    if not isinstance(name, str) or name not in kind_names():
        errors.setdefault("kind", []).append(
            f"is not a kind of term; valid kinds: {', '.join(kind_names())}"
        )
        return None
    return name


def _parse_params(kind_name: str | None, value: Any, errors: FieldErrors) -> dict[str, Any] | None:
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        errors.setdefault("params", []).append("must be an object")
        return None
    if kind_name is None:
        return None
    try:
        return get_kind(kind_name).parse_params(value)
    except TermsInvalid as error:
        merge_errors(errors, error.errors)
        return None


def _parse_note(value: Any, errors: FieldErrors) -> str:
    if value is None:
        return ""
    try:
        return parse_text(value, MAX_NOTE_LENGTH)
    except FieldProblem as problem:
        errors.setdefault("note", []).append(str(problem))
        return ""


def _parse_optional_date(raw: Mapping[str, Any], key: str, errors: FieldErrors) -> date | None:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_date(value)
    except FieldProblem as problem:
        errors.setdefault(key, []).append(str(problem))
        return None

"""The terms editor: rows of any kind, with the fields of each kind read from the registry.

A row is posted as ``terms-<n>-kind``, ``terms-<n>-note``, ``terms-<n>-valid_from``,
``terms-<n>-valid_to`` and ``terms-<n>-p-<field>``; this module turns the rows into the term
list the services take (the same JSON as the API) and the services' errors back into messages
beside each row's fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.web.forms import an_id
from terms.errors import TermsInvalid
from terms.kinds import all_kinds, get_kind, kind_schema
from terms.parse import parse_terms

ROW_KEY = re.compile(r"^terms-([0-9]{1,6})-kind$")
ERROR_KEY = re.compile(r"^terms\.(\d+)(?:\.(.+))?$")
MAX_ROWS = 200


@dataclass
class Row:
    """One row of the editor as the person filled it in, with its errors."""

    kind: str
    values: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    valid_from: str = ""
    valid_to: str = ""
    term_id: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def schema(self) -> dict[str, Any]:
        return kind_schema(get_kind(self.kind))


def kinds() -> list[dict[str, Any]]:
    """Every kind with its fields, for the "add a term" menu and the row templates."""
    return [kind_schema(kind) for kind in all_kinds()]


def _typed(spec: Mapping[str, Any], raw: str | None) -> Any:
    """A form string as the JSON value the kind expects; what cannot be converted is passed on
    as typed, so the kind's own check names the problem."""
    if spec["type"] == "bool":
        return raw in ("true", "on", "1")
    text = (raw or "").strip()
    if spec["type"] == "int" and re.fullmatch(r"-?[0-9]{1,12}", text):
        return int(text)
    return text


def rows_from(form: Mapping[str, str], prefix: str = "terms") -> list[Row]:
    """The editor's rows in the order shown."""
    numbers = sorted(int(m.group(1)) for key in form if (m := ROW_KEY.match(key)))
    rows = []
    for n in numbers[:MAX_ROWS]:
        name = f"{prefix}-{n}"
        kind = form.get(f"{name}-kind", "")
        if kind not in {k.name for k in all_kinds()}:
            continue
        specs = kind_schema(get_kind(kind))["fields"]
        values = {s["name"]: _typed(s, form.get(f"{name}-p-{s['name']}")) for s in specs}
        term_id = form.get(f"{name}-term_id", "")
        rows.append(Row(kind, values, form.get(f"{name}-note", "").strip(),
                        form.get(f"{name}-valid_from", "").strip(),
                        form.get(f"{name}-valid_to", "").strip(),
                        an_id(term_id)))
    return rows


def term_json(row: Row) -> dict[str, Any]:
    """The row as the API's term: empty optional fields left out."""
    params = {name: value for name, value in row.values.items() if value not in ("", None)}
    body: dict[str, Any] = {"kind": row.kind, "params": params}
    if row.note:
        body["note"] = row.note
    if row.valid_from:
        body["valid_from"] = row.valid_from
    if row.valid_to:
        body["valid_to"] = row.valid_to
    return body


def errors_of(terms: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The terms' own errors, keyed ``terms.<n>...``, so they show even when other fields of
    the form are wrong too."""
    try:
        parse_terms(terms)
    except TermsInvalid as invalid:
        return invalid.prefixed("terms").errors
    return {}


def attach_errors(rows: list[Row], errors: Mapping[str, list[str]], prefix: str = "terms")\
        -> dict[str, list[str]]:
    """Put ``terms.<n>.params.<field>`` errors on row n; return the errors of no row."""
    rest: dict[str, list[str]] = {}
    for key, messages in errors.items():
        match = ERROR_KEY.match(key.replace(prefix, "terms", 1))
        if match is None or int(match.group(1)) >= len(rows):
            rest[key] = list(messages)
            continue
        where = (match.group(2) or "kind").removeprefix("params.")
        rows[int(match.group(1))].errors.setdefault(where, []).extend(messages)
    return rest


def row_from_term(term: Mapping[str, Any]) -> Row:
    """A stored term as an editor row (for amendments)."""
    params = term.get("params", {})
    return Row(term["kind"], {k: ("" if v is None else v) for k, v in params.items()},
               term.get("note") or "", str(term.get("valid_from") or ""),
               str(term.get("valid_to") or ""), term.get("id"))

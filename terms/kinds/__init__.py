"""The registry of term kinds.

Each module of this package (other than those whose name starts with ``_``) describes one kind
and exposes it as ``KIND``; an optional module constant ``POSITION`` orders the kinds as in the
specification. Adding a kind means adding one module here, and nothing else.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from terms.errors import FieldErrors, TermsInvalid
from terms.model import Term
from terms.money import CURRENCY_CODES, AmountError, parse_decimal

FIELD_TYPES = (
    "money",
    "percent",
    "int",
    "str",
    "text",
    "date",
    "bool",
    "choice",
    "sku",
    "currency",
)

# Longest accepted text of each string-like field type.
MAX_LENGTH = {"str": 200, "sku": 64, "text": 5000}

ListPrice = Callable[[str], tuple[Decimal, str] | None]


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a term kind; drives validation, the web form and the docs.

    ``minimum`` is the smallest value of an ``int`` field; ``default`` is stored when an optional
    field is left out (``None``: nothing is stored).
    """

    name: str
    type: str
    required: bool
    label: str
    choices: tuple[str, ...] = ()
    help: str = ""
    minimum: int = 1
    default: Any = None

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"unknown field type {self.type!r}")


class TermKind(Protocol):
    """What every kind module exposes as ``KIND``."""

    @property
    def name(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def fields(self) -> tuple[FieldSpec, ...]: ...

    def parse_params(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Parsed params; raises TermsInvalid keyed ``params.<field>``."""
        ...

    def describe(self, term: Term, currency: str) -> str:
        """The term as a sentence for people."""
        ...

    def standard_counterpart(
        self, term: Term, standard: Sequence[Term], list_price: ListPrice
    ) -> str | None:
        """The standard value this term departs from, in words, or None."""
        ...


class FieldProblem(ValueError):
    """A parameter value is not acceptable; the message is for people."""


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _parse_amount(value: Any, example: str) -> Decimal:
    if isinstance(value, bool):
        raise FieldProblem(f'must be a decimal string such as "{example}"')
    if isinstance(value, int | float):
        raise FieldProblem(f'must be a decimal string such as "{example}", not a number')
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise FieldProblem(f'must be a decimal string such as "{example}"')
        value = format(value, "f")
    if not isinstance(value, str):
        raise FieldProblem(f'must be a decimal string such as "{example}"')
    try:
        return parse_decimal(value, example=example)
    except AmountError as error:
        raise FieldProblem(str(error)) from None


def parse_money(value: Any) -> Decimal:
    """A non-negative amount from a decimal string."""
    amount = _parse_amount(value, "12.50")
    if amount.is_signed():
        raise FieldProblem("must not be negative")
    return amount


def parse_percent(value: Any) -> Decimal:
    """A percentage in (0, 100] from a decimal string."""
    percent = _parse_amount(value, "7.5")
    if percent <= 0 or percent > 100:
        raise FieldProblem("must be more than 0 and at most 100")
    return percent


def parse_int(value: Any, minimum: int = 1) -> int:
    """A whole number of at least ``minimum``; true/false and strings are refused."""
    if isinstance(value, bool):
        raise FieldProblem("must be a whole number, not true or false")
    if isinstance(value, float) and value.is_integer():
        raise FieldProblem("must be a whole number without a decimal point")
    if not isinstance(value, int):
        raise FieldProblem("must be a whole number")
    if value < minimum:
        raise FieldProblem(f"must be at least {minimum}")
    return value


def parse_text(value: Any, max_length: int) -> str:
    """A string with surrounding whitespace removed (may be empty)."""
    if not isinstance(value, str):
        raise FieldProblem("must be a string")
    text = value.strip()
    if len(text) > max_length:
        raise FieldProblem(f"must be at most {max_length} characters")
    return text


def parse_date(value: Any) -> date:
    """A date from ``YYYY-MM-DD`` (or a ``date``, not a ``datetime``)."""
    if isinstance(value, datetime):
        raise FieldProblem("must be a date in YYYY-MM-DD form, without a time")
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        raise FieldProblem("must be a date in YYYY-MM-DD form")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise FieldProblem("is not a valid date") from None


def parse_bool(value: Any) -> bool:
    """JSON true or false; nothing else."""
    if not isinstance(value, bool):
        raise FieldProblem("must be true or false")
    return value


def parse_choice(value: Any, choices: Sequence[str]) -> str:
    """One of ``choices``, matched without regard to case, stored as spelled in ``choices``."""
    listed = ", ".join(choices)
    if not isinstance(value, str):
        raise FieldProblem(f"must be one of: {listed}")
    wanted = value.strip().casefold()
    for choice in choices:
        if choice.casefold() == wanted:
            return choice
    raise FieldProblem(f"must be one of: {listed}")


def parse_currency(value: Any) -> str:
    """An ISO 4217 code, stored in capitals."""
    if isinstance(value, str) and value.strip().upper() in CURRENCY_CODES:
        return value.strip().upper()
    raise FieldProblem('must be an ISO 4217 currency code such as "USD"')


_ABSENT = object()


def _parse_value(spec: FieldSpec, value: Any) -> Any:
    """The parsed value of one field, or ``_ABSENT`` for an empty optional string."""
    kind = spec.type
    if kind == "money":
        return parse_money(value)
    if kind == "percent":
        return parse_percent(value)
    if kind == "int":
        return parse_int(value, spec.minimum)
    if kind == "date":
        return parse_date(value)
    if kind == "bool":
        return parse_bool(value)
    if kind == "choice":
        return parse_choice(value, spec.choices)
    if kind == "currency":
        return parse_currency(value)
    text = parse_text(value, MAX_LENGTH[kind])
    if not text:
        if spec.required:
            raise FieldProblem("must not be empty")
        return _ABSENT
    return text


def parse_fields(
    kind_name: str, fields: Sequence[FieldSpec], raw: Mapping[str, Any]
) -> tuple[dict[str, Any], FieldErrors]:
    """Parse ``raw`` params by their specs: the valid values, and every problem found.

    A field given as ``null`` counts as left out. Values come out in the order of ``fields``.
    """
    errors: FieldErrors = {}
    names = [spec.name for spec in fields]
    for key in raw:
        if key not in names:
            errors.setdefault(f"params.{key}", []).append(
                f"is not a parameter of {kind_name}; expected: {', '.join(names)}"
            )
    values: dict[str, Any] = {}
    for spec in fields:
        value = raw.get(spec.name)
        if value is None:
            if spec.required:
                errors.setdefault(f"params.{spec.name}", []).append("is required")
            elif spec.default is not None:
                values[spec.name] = spec.default
            continue
        try:
            parsed = _parse_value(spec, value)
        except FieldProblem as problem:
            errors.setdefault(f"params.{spec.name}", []).append(str(problem))
            continue
        if parsed is not _ABSENT:
            values[spec.name] = parsed
        elif spec.default is not None:
            values[spec.name] = spec.default
    return values, errors


def add_error(errors: FieldErrors, field: str, message: str) -> None:
    """Record one problem of the param ``field`` (``""``: the params as a whole)."""
    key = f"params.{field}" if field else "params"
    errors.setdefault(key, []).append(message)


def given(values: Mapping[str, Any], errors: FieldErrors, field: str) -> bool:
    """Whether a param was supplied, valid or not."""
    return field in values or f"params.{field}" in errors


def standard_currency(standard: Sequence[Term]) -> str:
    """The currency code of the standard terms, or ``""`` when they name none."""
    for term in standard:
        if term.kind == "currency":
            return str(term.params.get("code", ""))
    return ""


class BaseKind:
    """Shared behaviour of the kinds: validation from ``fields``, standard terms of the kind.

    A kind overrides :meth:`check` for rules between its fields (called with the valid values
    only), :meth:`describe`, and, where a standard term of the kind must match a subject such
    as a SKU, :meth:`subject`.
    """

    name: str = ""
    label: str = ""
    fields: tuple[FieldSpec, ...] = ()

    def parse_params(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Parsed params; raises TermsInvalid naming every problem."""
        values, errors = parse_fields(self.name, self.fields, raw)
        self.check(values, errors)
        if errors:
            raise TermsInvalid(errors)
        return values

    def check(self, values: Mapping[str, Any], errors: FieldErrors) -> None:
        """Add problems between fields to ``errors``."""

    def describe(self, term: Term, currency: str) -> str:
        """The term as a sentence for people."""
        raise NotImplementedError

    def describe_standard(self, term: Term, currency: str) -> str:
        """A standard term of this kind, in few words."""
        return self.describe(term, currency)

    def subject(self, term: Term) -> object:
        """What a standard term must share with a deal term to be its counterpart."""
        return None

    def standard_counterpart(
        self, term: Term, standard: Sequence[Term], list_price: ListPrice
    ) -> str | None:
        """The standard term of the same kind and subject, in words, or None."""
        for candidate in standard:
            if candidate.kind == self.name and self.subject(candidate) == self.subject(term):
                return self.describe_standard(candidate, standard_currency(standard))
        return None


@functools.cache
def _registry() -> dict[str, TermKind]:
    found: list[tuple[int, str, TermKind]] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind: TermKind | None = getattr(module, "KIND", None)
        if kind is None:
            continue
        found.append((getattr(module, "POSITION", 1000), kind.name, kind))
    found.sort(key=lambda entry: (entry[0], entry[1]))
    registry: dict[str, TermKind] = {}
    for _, name, kind in found:
        if name in registry:
            raise RuntimeError(f"two term kinds are named {name!r}")
        registry[name] = kind
    return registry


def get_kind(name: str) -> TermKind:
    """The kind called ``name``; raises KeyError for an unknown kind."""
    return _registry()[name]


def all_kinds() -> tuple[TermKind, ...]:
    """Every kind, in the order of the specification."""
    return tuple(_registry().values())


def kind_names() -> tuple[str, ...]:
    """The names of every kind, in the order of the specification."""
    return tuple(_registry())


def _window(term: Term) -> str:
    if term.valid_from and term.valid_to:
        return f" (valid {term.valid_from.isoformat()} to {term.valid_to.isoformat()})"
    if term.valid_from:
        return f" (valid from {term.valid_from.isoformat()})"
    if term.valid_to:
        return f" (valid until {term.valid_to.isoformat()})"
    return ""


def describe_term(term: Term, currency: str) -> str:
    """The term as a sentence for people, with its validity window when it has one."""
    return get_kind(term.kind).describe(term, currency) + _window(term)


def standard_counterpart(term: Term, standard: Sequence[Term], list_price: ListPrice) -> str | None:
    """The standard value ``term`` departs from, in words, or None."""
    return get_kind(term.kind).standard_counterpart(term, standard, list_price)


def kind_schema(kind: TermKind) -> dict[str, Any]:
    """A kind and its fields as JSON, for forms and API documentation."""
    return {
        "name": kind.name,
        "label": kind.label,
        "fields": [
            {
                "name": spec.name,
                "type": spec.type,
                "required": spec.required,
                "label": spec.label,
                "choices": list(spec.choices),
                "help": spec.help,
                **({"default": spec.default} if spec.default is not None else {}),
            }
            for spec in kind.fields
        ],
    }

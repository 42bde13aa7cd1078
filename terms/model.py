"""Frozen values of the terms domain: a term, and a version of a deal's terms."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any


class FrozenParams(Mapping[str, Any]):
    """An immutable, hashable mapping of a term's parsed parameters.

    Values are scalars (``Decimal``, ``int``, ``date``, ``bool``, ``str``). Equality follows the
    values, so ``Decimal("12.50")`` and ``Decimal("12.5")`` make equal params: the same promise.
    It is not a ``dict``: use :func:`terms.parse.term_to_json` to write a term as JSON.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()) -> None:
        self._data: dict[str, Any] = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return f"FrozenParams({self._data!r})"


@dataclass(frozen=True)
class Term:
    """One typed, checkable promise of a deal.

    ``params`` may be given as any mapping; it is stored as :class:`FrozenParams`. The validity
    window is inclusive at both ends; a missing end is open.
    """

    kind: str
    params: Mapping[str, Any] = field(default_factory=FrozenParams)
    note: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    id: int | None = None
    replaces_id: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.params, FrozenParams):
            object.__setattr__(self, "params", FrozenParams(self.params))

    def in_window(self, on: date) -> bool:
        """Whether the term's own validity window includes ``on`` (both ends inclusive)."""
        if self.valid_from is not None and on < self.valid_from:
            return False
        return not (self.valid_to is not None and on > self.valid_to)

    def same_promise(self, other: Term) -> bool:
        """Whether both terms say the same thing, whatever their ids."""
        return (
            self.kind == other.kind
            and self.params == other.params
            and self.note == other.note
            and self.valid_from == other.valid_from
            and self.valid_to == other.valid_to
        )


@dataclass(frozen=True)
class TermsVersion:
    """The immutable set of a deal's terms from ``effective_from`` on."""

    number: int
    effective_from: date
    terms: tuple[Term, ...]
    reason: str = ""
    digest: str = ""

    def term(self, term_id: int) -> Term | None:
        """The term of this version with the given id, if any."""
        for term in self.terms:
            if term.id == term_id:
                return term
        return None

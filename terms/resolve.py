"""Which terms are in force on a date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from terms.model import Term, TermsVersion


@dataclass(frozen=True)
class InForce:
    """The version in force on a date, and those of its terms whose own window includes it."""

    version: TermsVersion
    terms: tuple[Term, ...]


def version_in_force(versions: Sequence[TermsVersion], on: date) -> TermsVersion | None:
    """The newest (highest-numbered) version with ``effective_from <= on``, or None."""
    eligible = [version for version in versions if version.effective_from <= on]
    return max(eligible, key=lambda version: version.number, default=None)


def terms_in_force(versions: Sequence[TermsVersion], on: date) -> InForce | None:
    """The terms in force on ``on``: the version in force less terms outside their window."""
    version = version_in_force(versions, on)
    if version is None:
        return None
    return InForce(version, tuple(term for term in version.terms if term.in_window(on)))

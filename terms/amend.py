"""The next terms version from the current one and an amendment."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from terms.errors import AmendmentInvalid, FieldErrors
from terms.model import Term

Replacements = Mapping[int, Term] | Sequence[tuple[int, Term]]


def apply_amendment(
    current: Sequence[Term],
    *,
    add: Sequence[Term] = (),
    replace: Replacements = (),
    remove: Sequence[int] = (),
    version_number: int | None = None,
) -> tuple[Term, ...]:
    """The next version's terms: ``current`` amended by ``add``, ``replace`` and ``remove``.

    ``current`` is the stored terms (ids set) of the newest version; it is not changed.
    ``replace`` is preferably a sequence of ``(term_id, new_term)`` pairs in the order of the
    request, so error keys name the request's positions and a term replaced twice is caught; a
    mapping ``{term_id: new_term}`` is also accepted, its positions being its iteration order.
    ``version_number`` (optional) only names the current version in error messages.

    The result keeps untouched terms (same objects, same ids) in place, puts each replacement
    (``id=None``, ``replaces_id`` = the old id) in the old term's position, and the added terms
    (``id=None``, ``replaces_id=None``) at the end. Raises AmendmentInvalid with keys
    ``replace.<i>.term_id``, ``replace.<i>.kind``, ``replace.<i>``, ``remove.<i>`` or
    ``amendment``, naming every problem at once.
    """
    pairs = list(replace.items()) if isinstance(replace, Mapping) else list(replace)
    by_id = {term.id: term for term in current if term.id is not None}
    where = f"version {version_number}" if version_number is not None else "the current version"
    errors: FieldErrors = {}
    claimed: dict[int, str] = {}

    def claim(term_id: object, key: str, id_key: str) -> bool:
        if isinstance(term_id, bool) or not isinstance(term_id, int):
            errors.setdefault(id_key, []).append("must be a term id")
            return False
        if term_id not in by_id:
            errors.setdefault(id_key, []).append(f"Term {term_id} is not a term of {where}.")
            return False
        if term_id in claimed:
            errors.setdefault(id_key, []).append(
                f"Term {term_id} is already amended by {claimed[term_id]}; "
                "a term is replaced or removed once."
            )
            return False
        claimed[term_id] = key
        return True

    replacements: dict[int, Term] = {}
    for index, (term_id, new) in enumerate(pairs):
        key = f"replace.{index}"
        if not claim(term_id, key, f"{key}.term_id"):
            continue
        old = by_id[term_id]
        if new.kind != old.kind:
            errors.setdefault(f"{key}.kind", []).append(
                f"A replacement keeps the kind ({old.kind}); remove the term and add a new one "
                "instead."
            )
        elif new.same_promise(old):
            errors.setdefault(key, []).append(
                f"The replacement is identical to term {term_id}; leave it out or change it."
            )
        replacements[term_id] = dataclasses.replace(new, id=None, replaces_id=term_id)

    removed: set[int] = set()
    for index, term_id in enumerate(remove):
        key = f"remove.{index}"
        if claim(term_id, key, key):
            removed.add(term_id)

    if not (add or pairs or remove):
        errors.setdefault("amendment", []).append(
            "An amendment must add, replace or remove at least one term."
        )
    if errors:
        raise AmendmentInvalid(errors)

    result: list[Term] = []
    for term in current:
        if term.id in removed:
            continue
        if term.id is not None and term.id in replacements:
            result.append(replacements[term.id])
        else:
            result.append(term)
    result.extend(dataclasses.replace(term, id=None, replaces_id=None) for term in add)
    return tuple(result)

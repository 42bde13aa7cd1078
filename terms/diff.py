"""What changed between two terms versions, term by term and field by field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from terms.model import Term
from terms.parse import json_value, term_to_json


@dataclass(frozen=True)
class TermChange:
    """One term replaced by another; ``fields`` maps a path to its (old, new) JSON value."""

    old: Term
    new: Term
    fields: Mapping[str, tuple[Any, Any]]


@dataclass(frozen=True)
class TermsDiff:
    """Terms added, removed and changed going from one version to another."""

    added: tuple[Term, ...]
    removed: tuple[Term, ...]
    changed: tuple[TermChange, ...]

    @property
    def empty(self) -> bool:
        """Whether both versions promise the same."""
        return not (self.added or self.removed or self.changed)


def diff_terms(
    old: Sequence[Term], new: Sequence[Term], lineage: Mapping[int, int | None] | None = None
) -> TermsDiff:
    """The differences from ``old`` to ``new``.

    A term present in both (same id) is unchanged. A term of ``new`` that descends from a term
    of ``old`` through ``replaces_id`` links is a change of it; so is the reverse, which lets
    ``old`` be the newer version. ``lineage`` maps term ids to the id they replaced, for terms
    of versions in between (for non-adjacent versions); the terms given supply their own links.
    A replacement that ends up saying the same as the old term is not a change.
    """
    parents: dict[int, int | None] = dict(lineage or {})
    for term in (*old, *new):
        if term.id is not None:
            parents.setdefault(term.id, term.replaces_id)

    def ancestors(term: Term) -> list[int]:
        found: list[int] = []
        current = term.replaces_id
        while current is not None and current not in found:
            found.append(current)
            current = parents.get(current)
        return found

    old_by_id = {term.id: term for term in old if term.id is not None}
    old_ancestors = [set(ancestors(term)) for term in old]
    unmatched = set(range(len(old)))
    position = {term.id: index for index, term in enumerate(old) if term.id is not None}

    def forebear(term: Term) -> int | None:
        """The unmatched old term ``term`` descends from, or that descends from it."""
        for ancestor in ancestors(term):
            index = position.get(ancestor)
            if index is not None and index in unmatched:
                return index
        if term.id is not None:
            for index in sorted(unmatched):
                if term.id in old_ancestors[index]:
                    return index
        return None

    added: list[Term] = []
    changed: list[TermChange] = []
    for term in new:
        if term.id is not None and term.id in old_by_id:
            unmatched.discard(position[term.id])
            continue
        index = forebear(term)
        if index is None:
            added.append(term)
            continue
        unmatched.discard(index)
        fields = field_changes(old[index], term)
        if fields:
            changed.append(TermChange(old[index], term, fields))
    removed = tuple(old[index] for index in sorted(unmatched))
    return TermsDiff(tuple(added), removed, tuple(changed))


def field_changes(old: Term, new: Term) -> dict[str, tuple[Any, Any]]:
    """Each field path whose value differs, with its (old, new) JSON value (None: absent)."""
    changes: dict[str, tuple[Any, Any]] = {}
    if old.kind != new.kind:
        changes["kind"] = (old.kind, new.kind)
    keys = list(old.params) + [key for key in new.params if key not in old.params]
    for key in keys:
        before, after = old.params.get(key), new.params.get(key)
        if before != after:
            changes[f"params.{key}"] = (json_value(before), json_value(after))
    if old.note != new.note:
        changes["note"] = (old.note, new.note)
    for name in ("valid_from", "valid_to"):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes[name] = (json_value(before), json_value(after))
    return changes


def diff_to_json(diff: TermsDiff) -> dict[str, Any]:
    """A diff as JSON: changed fields as ``{"path": {"old": ..., "new": ...}}``."""
    return {
        "added": [term_to_json(term) for term in diff.added],
        "removed": [term_to_json(term) for term in diff.removed],
        "changed": [
            {
                "old": term_to_json(change.old),
                "new": term_to_json(change.new),
                "fields": {
                    path: {"old": before, "new": after}
                    for path, (before, after) in change.fields.items()
                },
            }
            for change in diff.changed
        ],
    }

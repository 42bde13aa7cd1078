"""Domain errors of negotiated terms, each carrying per-field messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

FieldErrors = dict[str, list[str]]


def join_path(prefix: str | int, key: str) -> str:
    """Join a path prefix and a key with a dot; an empty key names the prefix itself."""
    prefix = str(prefix)
    if not prefix:
        return key
    return f"{prefix}.{key}" if key else prefix


def merge_errors(
    into: FieldErrors, more: Mapping[str, Sequence[str]], prefix: str | int = ""
) -> None:
    """Add the messages of ``more`` to ``into``, each key under ``prefix``."""
    for key, messages in more.items():
        into.setdefault(join_path(prefix, key), []).extend(messages)


class TermsError(Exception):
    """Base class of every error raised by the terms domain."""


class _FieldsError(TermsError):
    """An error listing every problem found, keyed by a dotted field path.

    The key ``""`` names the object as a whole (for example a term that is not a JSON object);
    :meth:`prefixed` turns it into the prefix, so ``"terms"`` or ``"terms.2"``.
    """

    def __init__(self, errors: Mapping[str, Sequence[str]], message: str | None = None) -> None:
        self.errors: FieldErrors = {key: list(messages) for key, messages in errors.items()}
        super().__init__(message or self._summary())

    def _summary(self) -> str:
        parts = [
            f"{key or '(whole)'}: {' '.join(messages)}" for key, messages in self.errors.items()
        ]
        return "; ".join(parts) or "invalid"


class TermsInvalid(_FieldsError):
    """One or more terms break the rules of their kind."""

    def prefixed(self, prefix: str | int) -> TermsInvalid:
        """The same errors with every key under ``prefix``: ``"terms"`` → ``"terms.2.kind"``."""
        errors: FieldErrors = {}
        merge_errors(errors, self.errors, prefix)
        return TermsInvalid(errors)


class AmendmentInvalid(_FieldsError):
    """An amendment cannot be applied to the current terms version."""

    def prefixed(self, prefix: str | int) -> AmendmentInvalid:
        """The same errors with every key put under ``prefix``."""
        errors: FieldErrors = {}
        merge_errors(errors, self.errors, prefix)
        return AmendmentInvalid(errors)

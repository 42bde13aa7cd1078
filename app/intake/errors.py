"""The one error of order intake: a document or file that cannot be read as orders at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

BAD_REQUEST = 400
UNPROCESSABLE = 422
UNSUPPORTED_MEDIA_TYPE = 415


class IntakeError(Exception):
    """The input cannot be read as an order (or, for a batch file, as orders).

    ``status`` is 400 for bytes that are not acceptable XML at all (malformed, too large, or
    hostile: a DTD, entities, external references), 422 for a well-formed document or file
    that is not a usable order (wrong root element, missing required parts, unknown CSV
    columns), and 415 when the format of an upload cannot be told. ``errors`` holds the
    messages keyed by field: ``"document"`` for the document as a whole, else the UBL element
    (``"IssueDate"``, ``"OrderLine.1.Price"``) or the CSV part (``"columns"``).
    """

    def __init__(
        self,
        message: str,
        errors: Mapping[str, Sequence[str]] | None = None,
        status: int = UNPROCESSABLE,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = {
            key: list(messages) for key, messages in (errors or {}).items()
        }
        self.status = status

    def __repr__(self) -> str:
        return f"IntakeError({self.message!r}, {self.errors!r}, status={self.status})"

"""Errors of the kickoff domain, named after what went wrong for the people involved."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class KickoffError(Exception):
    """Base class of every error raised by the kickoff domain."""


class AvailabilityInvalid(KickoffError):
    """Working hours or an uploaded calendar could not be read; ``errors`` is keyed by path."""

    def __init__(self, errors: Mapping[str, Sequence[str]], message: str | None = None) -> None:
        self.errors: dict[str, list[str]] = {key: list(msgs) for key, msgs in errors.items()}
        if message is None:
            message = "; ".join(
                f"{key}: {' '.join(msgs)}" if key else " ".join(msgs)
                for key, msgs in self.errors.items()
            )
        super().__init__(message or "availability is invalid")


class NoCommonSlot(KickoffError):
    """No quarter-hour slot fits every required attendee inside the kickoff window."""

"""Errors the services raise, named after what happened; app/api/errors.py gives them one shape."""

from __future__ import annotations


class HandoffError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str = "", errors: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors or {}
        self.headers = headers or {}


class NotSignedIn(HandoffError):
    status, title = 401, "Not signed in"


class NotAllowed(HandoffError):
    status, title = 403, "Not allowed"


class NotFound(HandoffError):
    status, title = 404, "Not found"


class AlreadyExists(HandoffError):
    status, title = 409, "Already exists"


class RequestInProgress(HandoffError):
    status, title = 409, "The same request is still being processed"


class InvalidInput(HandoffError):
    status, title = 422, "Invalid input"

    @classmethod
    def field(cls, name: str, message: str) -> InvalidInput:
        return cls(message, {name: [message]})


class IfMatchRequired(HandoffError):
    status, title = 428, "If-Match required"


class DealChanged(HandoffError):
    """The caller's copy of the deal is stale: someone changed it since they read it."""

    status, title = 412, "The deal has changed since you read it"


class RecordIsPermanent(HandoffError):
    """A change or deletion of evidence; `allow` names the methods the record does have."""

    status, title = 405, "Records on file are never changed or deleted"

    def __init__(self, detail: str, allow: str = "GET") -> None:
        super().__init__(detail, headers={"Allow": allow})

"""The OpenAPI document says every status and body the API really answers.

Errors are problem details (`application/problem+json`), never flask-smorest's own error shape,
and each operation lists the error statuses it can answer, worked out from what the route is:
its policy declaration (401 without a token, 403 when some role is refused, 405 for a record
that is never changed), its path ids (404), its input (400 unreadable JSON, 413 too large, 422),
an Idempotency-Key (409 while the first request runs), and what a view declares with
`@problems(...)` (412/428 for If-Match, 409 for a duplicate, 415 for an unknown format). The
schemathesis tests hold the document to this.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from apispec import APISpec, BasePlugin
from flask import Flask

from app.api.access import access_of
from app.api.schemas import ProblemSchema
from app.policy import EVERYONE, POLICY

PROBLEM_JSON = "application/problem+json"
BEARER = "bearerAuth"
WITH_BODY = ("post", "put", "patch")


def problems(*statuses: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare error statuses a view answers beyond those its kind of route implies."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        view.problems = (*getattr(view, "problems", ()), *statuses)  # type: ignore[attr-defined]
        return view

    return decorate


def _problem_response(status: int) -> dict[str, Any]:
    return {"description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"schema": "Problem"}}}


class ProblemDocs(BasePlugin):
    """An apispec plugin that rewrites each operation's error responses as it is added."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.spec: APISpec | None = None

    def init_spec(self, spec: APISpec) -> None:
        self.spec = spec
        spec.components.schema("Problem", schema=ProblemSchema)
        spec.components.security_scheme(BEARER, {
            "type": "http", "scheme": "bearer",
            "description": "An API token: `Authorization: Bearer <token>`."})
        for status in (400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428):
            spec.components.response(f"Problem{status}", _problem_response(status))

    def operation_helper(self, path: str | None = None, operations: dict[str, Any] | None = None,
                         **kwargs: Any) -> None:
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        for method, operation in operations.items():
            if method in ("parameters",) or not isinstance(operation, dict):
                continue
            self._describe(rule, method, operation)

    def _describe(self, rule: Any, method: str, operation: dict[str, Any]) -> None:
        view = self._handler(rule.endpoint, method)
        access = access_of(self.app, rule.endpoint, method.upper())
        responses = operation.setdefault("responses", {})
        responses.pop("default", None)
        statuses = set(getattr(view, "problems", ()))
        statuses.add(422)  # every request's query string is checked (NUL, UTF-8)
        if access is None or access.kind != "guarded":
            operation["security"] = []
        else:
            statuses.add(401)
            assert access.action is not None
            rule_of = POLICY[access.action]
            if rule_of.roles != EVERYONE:
                statuses.add(403)
            if access.deal or access.subject:
                statuses.add(404)
        if access is not None and access.kind == "permanent":
            statuses.add(405)
        if rule.arguments:
            statuses.add(404)
        if method in WITH_BODY:
            statuses.update((400, 413))
        if getattr(view, "idempotent", False):
            statuses.add(409)
            operation.setdefault("parameters", []).append({
                "in": "header", "name": "Idempotency-Key", "required": False,
                "schema": {"type": "string", "maxLength": 200},
                "description": "Retrying with the same key returns the first answer."})
        for status in sorted(statuses):
            responses[str(status)] = f"Problem{status}"

    def _handler(self, endpoint: str, method: str) -> Any:
        view = self.app.view_functions.get(endpoint)
        view_class = getattr(view, "view_class", None)
        return getattr(view_class, method, None) if view_class else view

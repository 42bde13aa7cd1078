"""Who may call each API route: every view method declares its policy action here.

The roles behind an action are the table in app/policy.py. A route names the action it takes,
and — when ownership counts — the URL argument naming the deal (or the order, through its deal)
whose salesperson owns it, or the user who counts as "themself". The declaration is enforced
before the view runs (401 without a valid token, 404 for an unknown deal, order or user, 403
when the table says no), it documents the route's 401/403 in the OpenAPI document, and the
authorisation test reads it for every route of the URL map. The services check the same actions
again, for the web pages and the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal

from flask import Flask, request

from app.api.guards import handler_of
from app.policy import POLICY, require

Kind = Literal["guarded", "public", "permanent"]

# Routes that flask-smorest and the app add themselves, outside any view we write.
PUBLIC_ENDPOINTS = frozenset({
    "api-docs.openapi_json",
    "api-docs.openapi_swagger_ui",
    "docs_assets",
})


@dataclass(frozen=True)
class Access:
    """A route's policy: `action` for signed-in callers; `public` needs no token;
    `permanent` answers 405 to everyone (the record is never changed or deleted)."""

    kind: Kind
    action: str | None = None
    deal: str | None = None
    subject: str | None = None
    owner: str | None = None
    order: str | None = None

    @property
    def needs_token(self) -> bool:
        return self.kind == "guarded"


def _declare(access: Access) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        view.access = access  # type: ignore[attr-defined]
        return view

    return decorate


def guarded(action: str, *, deal: str | None = None, subject: str | None = None,
            owner: str | None = None, order: str | None = None)\
        -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The caller must be signed in and allowed `action` by the policy table; `deal`, `order`
    and `subject` name the URL arguments whose deal (an order's: the deal it was checked
    against) or user the table's own/self rules look at, `owner` the body field naming the
    salesperson of a deal being made (default: the caller)."""
    if action not in POLICY:
        raise KeyError(f"No policy action {action!r}")
    access = Access("guarded", action, deal, subject, owner, order)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            enforce(access, kwargs)
            return view(*args, **kwargs)

        wrapper.access = access  # type: ignore[attr-defined]
        return wrapper

    return decorate


def enforce(access: Access, url_args: dict[str, Any]) -> None:
    """Authenticate, find the deal or user the rule looks at, and apply the table."""
    from app.api.auth import current_actor
    from app.extensions import db
    from app.services.deals import get_deal
    from app.services.orders import get_order
    from app.services.users import get_user

    actor = current_actor()
    deal = get_deal(db.session, url_args[access.deal]) if access.deal else None
    if access.order:
        checked_against = get_order(db.session, actor, url_args[access.order]).deal_id
        deal = get_deal(db.session, checked_against) if checked_against else None
    subject = get_user(db.session, url_args[access.subject]) if access.subject else None
    owner_id = _named_owner(access.owner, actor.id) if access.owner else None
    assert access.action is not None
    require(actor, access.action, deal=deal, subject=subject, owner_id=owner_id)


def _named_owner(field: str, caller_id: int) -> int:
    """The owner a request body names; a body that names none (or nothing usable, which its
    schema then refuses) leaves the caller as the owner."""
    body = request.get_json(silent=True)
    value = body.get(field) if isinstance(body, dict) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return caller_id


public = _declare(Access("public"))
permanent = _declare(Access("permanent"))


def access_of(app: Flask, endpoint: str, method: str) -> Access | None:
    """The declared policy of one route and method, or None when it declares none."""
    if endpoint in PUBLIC_ENDPOINTS:
        return Access("public")
    return getattr(handler_of(app, endpoint, method), "access", None)

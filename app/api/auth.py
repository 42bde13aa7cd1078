"""Who is calling: a bearer token on the API."""

from __future__ import annotations

import logging

from flask import g, request

from app.db.models import User
from app.errors import NotSignedIn
from app.extensions import db
from app.services.users import user_for_token

log = logging.getLogger(__name__)


def current_actor() -> User:
    """The signed-in user, or NotSignedIn (401)."""
    cached = g.get("actor")
    if cached is not None:
        return cached
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotSignedIn("Send Authorization: Bearer <token>.")
    user = user_for_token(db.session, token.strip())
    if user is None:
        log.warning("API call with an unknown or revoked token", extra={"ip": client_address()})
        raise NotSignedIn("This token is unknown or has been revoked.")
    g.actor = user
    return user


def client_address() -> str:
    return request.remote_addr or ""

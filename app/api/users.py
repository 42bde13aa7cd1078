"""Users, API tokens, working hours and busy time."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api import present
from app.api.access import guarded
from app.api.auth import current_actor
from app.api.idempotency import idempotent
from app.api.openapi import problems
from app.api.schemas import (
    AvailabilityIn,
    BusyIn,
    BusyOut,
    PageArgs,
    TokenIn,
    TokenOut,
    UserIn,
    UserListOut,
    UserOut,
)
from app.errors import InvalidInput
from app.extensions import db
from app.services import users as service
from kickoff.intervals import Interval

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Users and tokens")

ICS_TYPES = ("text/calendar", "application/ics", "text/x-calendar")


def _user(u: Any) -> dict[str, Any]:
    return {"id": u.id, "email": u.email, "name": u.name, "roles": u.roles,
            "timezone": u.timezone, "country": u.country, "working_hours": u.working_hours,
            "active": u.active, "created_at": u.created_at}


@blp.route("")
class Users(MethodView):
    @problems(409)
    @guarded("users.manage")
    @idempotent
    @blp.arguments(UserIn)
    @blp.response(201, UserOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a user (admin)."""
        return _user(service.create_user(db.session, current_actor(), data))

    @guarded("users.read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, UserListOut)
    def get(self, args: dict[str, Any]) -> Any:
        """List users (admin, manager)."""
        return present.page(service.list_users(db.session, current_actor(), args["page"],
                                               args["per_page"]), _user)


@blp.route("/<int:user_id>")
class OneUser(MethodView):
    @guarded("users.read", subject="user_id")
    @blp.response(200, UserOut)
    def get(self, user_id: int) -> Any:
        """One user (admin, manager, or the user themself)."""
        actor = current_actor()
        user = service.read_user(db.session, actor, user_id)
        body = _user(user)
        if actor.id == user.id:
            # The feed's address is its key: shown to its owner only.
            body["calendar_feed"] = f"/api/v1/calendar/{user.feed_token}.ics"
        return body


@blp.route("/<int:user_id>/tokens")
class Tokens(MethodView):
    @guarded("users.token", subject="user_id")
    @idempotent
    @blp.arguments(TokenIn)
    @blp.response(201, TokenOut)
    def post(self, data: dict[str, Any], user_id: int) -> Any:
        """Issue an API token (admin or the user themself); the token is shown once."""
        issued = service.issue_token(db.session, current_actor(), user_id, data["label"])
        return {"id": issued.token.id, "token": issued.secret, "prefix": issued.token.prefix,
                "label": issued.token.label, "created_at": issued.token.created_at}


@blp.route("/<int:user_id>/tokens/<int:token_id>")
class OneToken(MethodView):
    @guarded("users.token", subject="user_id")
    @blp.response(204)
    def delete(self, user_id: int, token_id: int) -> Any:
        """Revoke an API token: it stops working at once."""
        service.revoke_token(db.session, current_actor(), user_id, token_id)
        return ""


@blp.route("/<int:user_id>/availability")
class Availability(MethodView):
    @guarded("users.availability", subject="user_id")
    @blp.arguments(AvailabilityIn)
    @blp.response(200, UserOut)
    def put(self, data: dict[str, Any], user_id: int) -> Any:
        """Working hours by weekday, time zone and holiday country."""
        return _user(service.set_availability(db.session, current_actor(), user_id, data))


def _ics_from_request() -> bytes | None:
    upload = request.files.get("file")
    if upload is not None:
        return upload.read()
    if (request.mimetype or "") in ICS_TYPES:
        return request.get_data()
    return None


def _blocks_from_json() -> list[tuple[Interval, str]]:
    body = request.get_json(silent=True)
    if body is None:
        raise InvalidInput.field("body", "Send JSON {\"blocks\": [...]}, or an .ics file.")
    data = BusyIn().load(body)
    return [(Interval(b["start"], b["end"]), b["label"]) for b in data["blocks"]]


@blp.route("/<int:user_id>/busy")
class Busy(MethodView):
    @guarded("users.availability", subject="user_id")
    @idempotent
    @blp.doc(requestBody={"required": True, "content": {
        "application/json": {"schema": BusyIn},
        "text/calendar": {"schema": {"type": "string"}}}})
    @blp.response(201, BusyOut)
    def post(self, user_id: int) -> Any:
        """Add busy time, as JSON blocks or an uploaded .ics (VEVENT / VFREEBUSY)."""
        actor = current_actor()
        ics = _ics_from_request()
        if ics is not None:
            rows = service.add_busy_from_ics(db.session, actor, user_id, ics)
        else:
            rows = service.add_busy_blocks(db.session, actor, user_id, _blocks_from_json(),
                                           "json")
        return {"blocks": [{"id": r.id, "start": r.start, "end": r.end, "label": r.label,
                            "source": r.source} for r in rows]}

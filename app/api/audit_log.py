"""The audit log and the verification of its hash chain."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api import present
from app.api.access import guarded, permanent
from app.api.auth import current_actor
from app.api.schemas import AuditArgs, AuditEventOut, AuditListOut, VerifyOut
from app.db.models import AuditEvent
from app.errors import RecordIsPermanent
from app.extensions import db
from app.services import audit_log as service

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Audit log")


def _event(e: AuditEvent) -> dict[str, Any]:
    return {"seq": e.seq, "at": e.at, "actor_id": e.actor_id, "action": e.action,
            "entity": e.entity, "entity_id": e.entity_id, "data": e.data,
            "prev_hash": e.prev_hash, "hash": e.hash}


@blp.route("")
class AuditLog(MethodView):
    @guarded("audit.read")
    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, AuditListOut)
    def get(self, args: dict[str, Any]) -> Any:
        """Events, newest first (filters: entity, entity_id, action)."""
        found = service.events(db.session, current_actor(), args, args["page"], args["per_page"])
        return present.page(found, _event)


@blp.route("/<int:seq>")
class OneEvent(MethodView):
    @guarded("audit.read")
    @blp.response(200, AuditEventOut)
    def get(self, seq: int) -> Any:
        """One event of the log, by its sequence number."""
        return _event(service.event(db.session, current_actor(), seq))

    @permanent
    def put(self, seq: int) -> Any:
        """The log is append-only: events are never changed."""
        raise RecordIsPermanent("Audit events are never changed; the log is append-only.")

    @permanent
    def patch(self, seq: int) -> Any:
        """The log is append-only: events are never changed."""
        raise RecordIsPermanent("Audit events are never changed; the log is append-only.")

    @permanent
    def delete(self, seq: int) -> Any:
        """The log is append-only: events are never deleted."""
        raise RecordIsPermanent("Audit events are never deleted; the log is append-only.")


@blp.route("/verify")
class Verify(MethodView):
    @guarded("audit.read")
    @blp.response(200, VerifyOut)
    def get(self) -> Any:
        """Recompute the hash chain; names the first event that does not fit."""
        return service.verify(db.session, current_actor()).as_json()

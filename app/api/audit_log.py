"""The audit log and the verification of its hash chain."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from app import audit
from app.api import present
from app.api.auth import current_actor
from app.api.schemas import AuditArgs, AuditListOut, VerifyOut
from app.db.models import AuditEvent
from app.extensions import db
from app.policy import require
from app.services.paging import paginate

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Audit log")


def _event(e: AuditEvent) -> dict[str, Any]:
    return {"seq": e.seq, "at": e.at, "actor_id": e.actor_id, "action": e.action,
            "entity": e.entity, "entity_id": e.entity_id, "data": e.data,
            "prev_hash": e.prev_hash, "hash": e.hash}


@blp.route("")
class AuditLog(MethodView):
    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, AuditListOut)
    def get(self, args: dict[str, Any]) -> Any:
        """Events, newest first (filters: entity, entity_id, action)."""
        require(current_actor(), "audit.read")
        query = select(AuditEvent).order_by(AuditEvent.seq.desc())
        for name in ("entity", "entity_id", "action"):
            if args.get(name):
                query = query.where(getattr(AuditEvent, name) == args[name])
        return present.page(paginate(db.session, query, args["page"], args["per_page"]), _event)


@blp.route("/verify")
class Verify(MethodView):
    @blp.response(200, VerifyOut)
    def get(self) -> Any:
        """Recompute the hash chain; names the first event that does not fit."""
        require(current_actor(), "audit.read")
        return audit.verify(db.session).as_json()

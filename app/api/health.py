"""Liveness: the database check, and a constant answer that touches nothing."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api.access import public
from app.api.schemas import HealthOut, PingOut
from app.extensions import db

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Liveness")


@blp.route("/health")
class Health(MethodView):
    @public
    @blp.response(200, HealthOut)
    @blp.alt_response(503, schema=HealthOut, description="The database does not answer")
    def get(self) -> Any:
        """Is the service up, and does its database answer?"""
        try:
            db.session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            db.session.rollback()
            return {"status": "unavailable", "database": "unreachable"}, 503
        return {"status": "ok", "database": "ok"}


@blp.route("/ping")
class Ping(MethodView):
    @public
    @blp.response(200, PingOut)
    def get(self) -> Any:
        """Is the process answering? A constant document, without touching the database: a
        liveness probe, and the baseline of the HTTP benchmark of order checks."""
        return {"status": "ok"}

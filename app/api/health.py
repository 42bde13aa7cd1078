"""Liveness and database check."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api.access import public
from app.api.schemas import HealthOut
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

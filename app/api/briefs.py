"""The Word terms brief of a deal."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.access import guarded
from app.api.auth import current_actor
from app.extensions import db
from app.services import briefs

blp = Blueprint("briefs", __name__, url_prefix="/api/v1", description="Terms briefs")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class BriefArgs(Schema):
    version = fields.Integer(validate=validate.Range(min=1))


@blp.route("/deals/<int:deal_id>/brief.docx")
class Brief(MethodView):
    @guarded("read")
    @blp.arguments(BriefArgs, location="query")
    @blp.response(200, content_type=DOCX)
    def get(self, args: dict[str, Any], deal_id: int) -> Any:
        """The Word brief of a terms version (default the newest): what differs from standard,
        who agreed it, options and signatures, clauses, amendments, promises."""
        name, content = briefs.brief_for(db.session, current_actor(), deal_id,
                                         args.get("version"))
        return Response(content, mimetype=DOCX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

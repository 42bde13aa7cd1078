"""Manual review items of an order: the clauses agreed with `review_on_order`, which
fulfillment ticks off for each order once they have looked at them."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.access import guarded
from app.api.auth import current_actor
from app.api.idempotency import idempotent
from app.api.schemas import _id
from app.db.models import OrderReview
from app.extensions import db
from app.services import order_reviews as service

blp = Blueprint("order_reviews", __name__, url_prefix="/api/v1/orders",
                description="Manual review items of orders, ticked off by fulfillment")


class ReviewIn(Schema):
    deviation_id = _id(required=True, metadata={
        "description": "The MANUAL_REVIEW item (a deviation of the order's latest check)"})
    note = fields.String(load_default="", validate=validate.Length(max=2000),
                         metadata={"description": "What was looked at, if worth saying"})


class ReviewOut(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    check_id = fields.Integer()
    deviation_id = fields.Integer()
    note = fields.String()
    reviewed_by_id = fields.Integer()
    reviewed_by = fields.String()
    reviewed_at = fields.DateTime()


class ReviewItemOut(Schema):
    deviation_id = fields.Integer()
    check_id = fields.Integer()
    term_id = fields.Integer(allow_none=True)
    message = fields.String()
    ticked_off = fields.Boolean()
    review = fields.Nested(ReviewOut, allow_none=True)


class ReviewListOut(Schema):
    items = fields.List(fields.Nested(ReviewItemOut))


def review_json(r: OrderReview) -> dict[str, Any]:
    return {"id": r.id, "order_id": r.order_id, "check_id": r.check_id,
            "deviation_id": r.deviation_id, "note": r.note, "reviewed_by_id": r.reviewed_by_id,
            "reviewed_by": r.reviewed_by.name, "reviewed_at": r.reviewed_at}


def item_json(item: service.ReviewItem) -> dict[str, Any]:
    d = item.deviation
    return {"deviation_id": d.id, "check_id": d.check_id, "term_id": d.term_id,
            "message": d.message, "ticked_off": not item.open,
            "review": review_json(item.review) if item.review else None}


@blp.route("/<int:order_id>/reviews")
class Reviews(MethodView):
    @guarded("read")
    @blp.response(200, ReviewListOut)
    def get(self, order_id: int) -> Any:
        """The manual review items of the order's latest check, each with its tick-off once
        made."""
        _, items = service.items_of(db.session, current_actor(), order_id)
        return {"items": [item_json(i) for i in items]}

    @guarded("orders.review")
    @idempotent
    @blp.arguments(ReviewIn)
    @blp.response(201, ReviewOut)
    def post(self, data: dict[str, Any], order_id: int) -> Any:
        """Tick off one manual review item (fulfillment or a manager), with an optional note;
        kept for good. A re-check of the order makes new items to tick off."""
        review = service.tick_off(db.session, current_actor(), order_id, data["deviation_id"],
                                  data["note"])
        return review_json(review)

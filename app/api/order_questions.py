"""Questions to the salesperson about a deviation of an order, and their answers, kept on the
order."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.api.access import guarded
from app.api.auth import current_actor
from app.api.idempotency import idempotent
from app.api.schemas import _id, _text
from app.db.models import OrderQuestion
from app.errors import NotFound
from app.extensions import db
from app.services import order_questions as service
from app.services.orders import get_order

blp = Blueprint("order_questions", __name__, url_prefix="/api/v1/orders",
                description="Questions to the salesperson about an order, and their answers")


class QuestionIn(Schema):
    deviation_id = _id(required=True, metadata={
        "description": "The deviation of the order's latest check the question is about"})
    text = _text(service.MAX_TEXT, required=True)


class AnswerIn(Schema):
    text = _text(service.MAX_TEXT, required=True)


class AnswerOut(Schema):
    id = fields.Integer()
    text = fields.String()
    answered_by_id = fields.Integer()
    answered_by = fields.String()
    answered_at = fields.DateTime()


class QuestionOut(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    deviation_id = fields.Integer()
    code = fields.String()
    message = fields.String()
    where = fields.String()
    text = fields.String()
    asked_by_id = fields.Integer()
    asked_by = fields.String()
    asked_to_id = fields.Integer()
    asked_to = fields.String()
    asked_at = fields.DateTime()
    answer = fields.Nested(AnswerOut, allow_none=True)


class QuestionListOut(Schema):
    items = fields.List(fields.Nested(QuestionOut))


def question_json(q: OrderQuestion) -> dict[str, Any]:
    record = get_order(db.session, current_actor(), q.order_id)
    a = q.answer
    return {"id": q.id, "order_id": q.order_id, "deviation_id": q.deviation_id,
            "code": q.deviation.code, "message": q.deviation.message,
            "where": service.where_on_order(record, q.deviation), "text": q.text,
            "asked_by_id": q.asked_by_id, "asked_by": q.asked_by.name,
            "asked_to_id": q.asked_to_id, "asked_to": q.asked_to.name, "asked_at": q.asked_at,
            "answer": {"id": a.id, "text": a.text, "answered_by_id": a.answered_by_id,
                       "answered_by": a.answered_by.name, "answered_at": a.answered_at}
            if a else None}


@blp.route("/<int:order_id>/questions")
class Questions(MethodView):
    @guarded("read")
    @blp.response(200, QuestionListOut)
    def get(self, order_id: int) -> Any:
        """The questions asked about the order, with their answers."""
        record = get_order(db.session, current_actor(), order_id)
        return {"items": [question_json(q)
                          for q in service.questions_of_order(db.session, record)]}

    @guarded("orders.ask")
    @idempotent
    @blp.arguments(QuestionIn)
    @blp.response(201, QuestionOut)
    def post(self, data: dict[str, Any], order_id: int) -> Any:
        """Ask the deal's salesperson about one deviation (fulfillment or a manager); they are
        sent the deviation and the question by mail."""
        question = service.ask(db.session, current_actor(), order_id, data["deviation_id"],
                               data["text"])
        return question_json(question)


@blp.route("/<int:order_id>/questions/<int:question_id>/answer")
class Answer(MethodView):
    @guarded("orders.answer", order="order_id")
    @idempotent
    @blp.arguments(AnswerIn)
    @blp.response(201, QuestionOut)
    def post(self, data: dict[str, Any], order_id: int, question_id: int) -> Any:
        """Answer a question (the deal's salesperson or a manager); the answer is kept on the
        order and mailed to whoever asked."""
        question = service.get_question(db.session, current_actor(), question_id)
        if question.order_id != order_id:
            raise NotFound(f"Order {order_id} has no question {question_id}.")
        service.answer(db.session, current_actor(), question_id, data["text"])
        db.session.refresh(question)
        return question_json(question)

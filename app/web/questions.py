"""The salesperson's questions page: what fulfillment asked about the orders of their deals,
and the answers they gave, which are kept on the order."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from app.api.order_questions import AnswerIn
from app.db.models import Deal, OrderQuestion
from app.errors import InvalidInput
from app.extensions import db
from app.services import order_questions
from app.web import nav
from app.web.blueprint import bp
from app.web.forms import load
from app.web.session import signed_in

nav.add(25, "web.my_questions", "Questions to me", "sales", "manager")


def _page(errors: dict[str, list[str]] | None = None, question_id: int | None = None,
          text: str = "") -> dict[str, Any]:
    waiting, answered = order_questions.questions_to(db.session, signed_in())
    return {"waiting": [_row(q) for q in waiting], "answered": [_row(q) for q in answered],
            "errors": errors or {}, "question_id": question_id, "text": text}


def _row(question: OrderQuestion) -> dict[str, Any]:
    order = question.order
    return {"question": question, "order": order,
            "deal": db.session.get(Deal, order.deal_id) if order.deal_id else None,
            "where": order_questions.where_on_order(order, question.deviation)}


@bp.route("/questions")
def my_questions() -> Any:
    return render_template("questions.html", **_page())


@bp.route("/questions/<int:question_id>/answer", methods=["POST"])
def answer_question(question_id: int) -> Any:
    me = signed_in()
    text = request.form.get("text", "").strip()
    data, errors = load(AnswerIn(), {"text": text})
    if not errors:
        try:
            order_questions.answer(db.session, me, question_id, data["text"])
        except InvalidInput as refused:
            errors = refused.errors or {"_": [refused.detail]}
    if errors:
        return render_template("questions.html", refused=True,
                               **_page(errors, question_id, text)), 422
    flash("Your answer is on record on the order, and was sent to whoever asked.")
    return redirect(url_for("web.my_questions"))

"""Asking the salesperson: fulfillment puts a question about one deviation of an order to the
deal's salesperson, who gets it by mail and answers on their questions page; question and
answer stay on the order, beside the deviation they concern."""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import audit
from app.db.models import (
    Deal,
    DeviationRecord,
    OrderAnswer,
    OrderQuestion,
    OrderRecord,
    User,
)
from app.db.session import unit_of_work
from app.errors import AlreadyExists, InvalidInput, NotFound
from app.policy import require
from app.services import outbox
from app.services.orders import get_order

MAX_TEXT = 5000


def _text(raw: str, field: str, what: str) -> str:
    text = raw.strip()
    if not text:
        raise InvalidInput.field(field, f"Write {what}; nothing was sent.")
    if len(text) > MAX_TEXT:
        raise InvalidInput.field(field, f"Keep it under {MAX_TEXT} characters.")
    return text


def _deviation_of(record: OrderRecord, deviation_id: int) -> DeviationRecord:
    """A deviation of the order's latest check: earlier checks are answered by the new one."""
    found = next((d for d in record.checks[-1].deviations if d.id == deviation_id), None)
    if found is None:
        raise InvalidInput.field("deviation_id", "That is not a deviation of the order's latest "
                                 "check; nothing was sent.")
    return found


def where_on_order(record: OrderRecord, deviation: DeviationRecord) -> str:
    """The deviation's place on the order in words: its line (SKU, quantity, price) or the
    order as a whole."""
    lines = record.body.get("lines", [])
    if deviation.line is None or not 0 <= deviation.line < len(lines):
        return "The order as a whole"
    line = lines[deviation.line]
    return (f"Line {deviation.line + 1}: {line.get('quantity')} x {line.get('sku')} at "
            f"{line.get('unit_price')} {record.currency}")


def _question_mail(record: OrderRecord, deal: Deal, question: OrderQuestion) -> str:
    deviation = question.deviation
    link = current_app.config["PUBLIC_URL"].rstrip("/") + "/questions"
    return (f"{question.asked_by.name} asks about order {record.po_number} of "
            f"{deal.account.name} — {deal.title} (deal {deal.id}), which you own.\n\n"
            f"{where_on_order(record, deviation)}\n"
            f"{deviation.message}\n\n"
            f"Question: {question.text}\n\n"
            f"Answer it on your questions page: {link}\n"
            "If it is not written down, it did not happen: the answer is kept on the order.\n")


def ask(session: Session, actor: User, order_id: int, deviation_id: int, text: str)\
        -> OrderQuestion:
    """Put a question about one deviation to the deal's salesperson, and mail it to them."""
    record = get_order(session, actor, order_id)
    require(actor, "orders.ask")
    deal = session.get(Deal, record.deal_id) if record.deal_id else None
    if deal is None:
        raise InvalidInput.field("deviation_id", "This order is tied to no deal, so there is no "
                                 "salesperson to ask; nothing was sent.")
    deviation = _deviation_of(record, deviation_id)
    body = _text(text, "text", "the question")
    with unit_of_work(session):
        question = OrderQuestion(order_id=record.id, deviation_id=deviation.id,
                                 asked_by_id=actor.id, asked_to_id=deal.sales_owner_id,
                                 text=body)
        session.add(question)
        session.flush()
        outbox.enqueue(session, key=f"order-question:{question.id}", kind="order_question",
                       deal_id=deal.id, recipient=deal.sales_owner.email,
                       subject=f"Question on order {record.po_number}: {deviation.code}",
                       body=_question_mail(record, deal, question))
        audit.record(session, actor_id=actor.id, action="order.question_asked", entity="order",
                     entity_id=record.id, data={
                         "question_id": question.id, "deviation_id": deviation.id,
                         "code": deviation.code, "asked_to_id": deal.sales_owner_id,
                         "text": body})
    return question


def get_question(session: Session, actor: User, question_id: int) -> OrderQuestion:
    require(actor, "read")
    question = session.get(OrderQuestion, question_id)
    if question is None:
        raise NotFound(f"There is no question {question_id}.")
    return question


def answer(session: Session, actor: User, question_id: int, text: str) -> OrderAnswer:
    """The salesperson's answer: kept on the order, mailed to whoever asked."""
    question = get_question(session, actor, question_id)
    record = session.get(OrderRecord, question.order_id)
    assert record is not None
    deal = session.get(Deal, record.deal_id) if record.deal_id else None
    require(actor, "orders.answer", deal=deal)
    if question.answer is not None:
        raise _answered(question.answer)
    body = _text(text, "text", "the answer")
    try:
        with unit_of_work(session):
            reply = OrderAnswer(question_id=question.id, answered_by_id=actor.id, text=body)
            session.add(reply)
            session.flush()
            outbox.enqueue(session, key=f"order-answer:{question.id}", kind="order_answer",
                           deal_id=record.deal_id, recipient=question.asked_by.email,
                           subject=f"Answer on order {record.po_number}: "
                                   f"{question.deviation.code}",
                           body=f"{actor.name} answered your question on order "
                                f"{record.po_number}.\n\nYou asked: {question.text}\n\n"
                                f"Answer: {body}\n")
            audit.record(session, actor_id=actor.id, action="order.question_answered",
                         entity="order", entity_id=record.id, data={
                             "question_id": question.id, "text": body})
    except IntegrityError:
        session.expire(question)
        if question.answer is None:
            raise
        raise _answered(question.answer) from None
    return reply


def _answered(reply: OrderAnswer) -> AlreadyExists:
    return AlreadyExists(f"{reply.answered_by.name} already answered this question at "
                         f"{reply.answered_at.isoformat()}; the answer on record stays.")


def questions_of_order(session: Session, record: OrderRecord) -> list[OrderQuestion]:
    return list(session.scalars(select(OrderQuestion).where(OrderQuestion.order_id == record.id)
                                .order_by(OrderQuestion.id)))


def questions_to(session: Session, actor: User, limit: int = 200)\
        -> tuple[list[OrderQuestion], list[OrderQuestion]]:
    """The questions put to the actor: open ones oldest first, then recent answered ones."""
    require(actor, "read")
    mine = list(session.scalars(select(OrderQuestion).where(OrderQuestion.asked_to_id == actor.id)
                                .order_by(OrderQuestion.id.desc()).limit(limit)))
    return ([q for q in reversed(mine) if q.answer is None],
            [q for q in mine if q.answer is not None])


def open_count(session: Session, user_ids: Sequence[int] | None = None) -> int:
    """Questions still waiting for an answer (of some people, or of everyone)."""
    query = select(func.count(OrderQuestion.id)).where(
        ~select(OrderAnswer.id).where(OrderAnswer.question_id == OrderQuestion.id).exists())
    if user_ids is not None:
        query = query.where(OrderQuestion.asked_to_id.in_(user_ids))
    return int(session.scalar(query) or 0)

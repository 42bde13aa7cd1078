"""Pages for fulfillment: checking orders (pasted JSON, a UBL document, a CSV or JSON Lines
batch), the queue of orders waiting for someone, an order with its checks, deviations and
decisions; asking the salesperson about a deviation; ticking off manual review items."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage

from app.api.order_questions import QuestionIn
from app.api.order_reviews import ReviewIn
from app.api.orders import MAX_XML_BYTES, OrderDecisionIn, OrderListArgs
from app.db.models import Deal, OrderRecord, User
from app.errors import InvalidInput
from app.extensions import db
from app.intake.batch import detect_format
from app.intake.errors import IntakeError
from app.intake.ubl import order_from_ubl
from app.policy import may, require
from app.services import batches, directory, order_questions, order_reviews
from app.services import orders as service
from app.web import nav
from app.web.blueprint import bp
from app.web.filters import words
from app.web.forms import an_id, load
from app.web.session import signed_in
from terms.deviations import CODES, departs

nav.add(40, "web.order_queue", "Order queue", "fulfillment", "manager")
nav.add(45, "web.check_order", "Check an order", "fulfillment", "manager")

PER_PAGE = 25
SHOWN_BATCH_RESULTS = 500
DONE = {"release": "released", "hold": "held", "override": "overridden"}


# --- checking -------------------------------------------------------------------------------


@bp.route("/orders/check", methods=["GET", "POST"])
def check_order() -> Any:
    me = signed_in()
    require(me, "orders.check")
    if request.method == "GET":
        return render_template("order_check.html", values={}, errors={})
    pasted = request.form.get("order_json", "").strip()
    upload = request.files.get("file")
    try:
        if upload is not None and upload.filename:
            return _check_upload(me, upload)
        if pasted:
            return _check_pasted(me, pasted)
        errors = {"_": ["Paste an order, or choose a file, to check."]}
    except IntakeError as unreadable:
        errors = {"file": [f"{where}: {m}" if where != "document" else m
                           for where, messages in unreadable.errors.items() for m in messages]
                  or [unreadable.message]}
    except InvalidInput as refused:
        errors = {"order_json": [f"{where}: {m}" if where != "_" else m
                                 for where, messages in (refused.errors or {}).items()
                                 for m in messages] or [refused.detail]}
    return render_template("order_check.html", values={"order_json": pasted}, errors=errors,
                           refused=True), 422


def _check_pasted(me: User, text: str) -> Any:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as bad:
        raise InvalidInput.field("_", f"This is not JSON: {bad.msg} (line {bad.lineno}, "
                                 f"column {bad.colno}).") from None
    if not isinstance(raw, dict):
        raise InvalidInput.field("_", "Paste one order: a JSON object, {...}. Many orders go "
                                 "in a CSV or JSON Lines file.")
    return _checked(service.check(db.session, me, raw, "json"))


def _check_upload(me: User, upload: FileStorage) -> Any:
    """One UBL order, or a batch of CSV or JSON Lines: the intake the API uses."""
    stream = io.BufferedReader(upload.stream)  # type: ignore[arg-type]
    kind = detect_format(upload.filename, upload.mimetype, stream.peek(512)[:512])
    if kind == "ubl":
        raw = order_from_ubl(stream.read(MAX_XML_BYTES + 1))
        return _checked(service.check(db.session, me, raw, "ubl"))
    items = batches.items_from(stream, upload.filename, upload.mimetype)
    summary, results = batches.Summary(), []
    for result in batches.check_batch(db.session, me, items):
        summary.add(result)
        if len(results) < SHOWN_BATCH_RESULTS:
            results.append(result)
    return render_template("order_batch.html", summary=summary, results=results,
                           filename=upload.filename, shown=SHOWN_BATCH_RESULTS)


def _checked(result: service.CheckResult) -> Any:
    version = f" against terms version {result.check.terms_version}" \
        if result.check.terms_version else ""
    flash(f"Order {result.order.po_number} checked{version}: {result.check.status}.")
    return redirect(url_for("web.order", order_id=result.order.id))


# --- the queue ------------------------------------------------------------------------------


def _deal_of(record: OrderRecord) -> Deal | None:
    return db.session.get(Deal, record.deal_id) if record.deal_id else None


def _queue_row(me: User, record: OrderRecord) -> dict[str, Any]:
    latest = record.checks[-1]
    return {"order": record, "deal": _deal_of(record),
            "deviations": [d for d in latest.deviations if departs(d.severity)],
            "open_reviews": sum(1 for i in order_reviews.review_items(db.session, record)
                                if i.open),
            "choices": service.decision_choices(me, record)}


@bp.route("/orders")
def order_queue() -> Any:
    me = signed_in()
    raw: dict[str, Any] = request.args.to_dict()
    raw.setdefault("waiting", "true")
    args, errors = load(OrderListArgs(), raw)
    context = {"values": raw, "errors": errors,
               "code_choices": [(code, words(code)) for code in CODES],
               "deals": directory.deals_by_title(db.session)}
    if errors:
        return render_template("orders.html", page=None, rows=[], **context), 422
    f = service.OrderFilter(status=args.get("status"), deal_id=args.get("deal"),
                            code=args.get("code"), since=args.get("since"),
                            until=args.get("until"), waiting=args["waiting"])
    page = service.list_orders(db.session, me, f, args["page"], PER_PAGE)
    return render_template("orders.html", page=page,
                           rows=[_queue_row(me, r) for r in page.items], **context)


# --- one order ------------------------------------------------------------------------------


def _order_page(me: User, record: OrderRecord, **form: Any) -> dict[str, Any]:
    """What the order page shows: the lines of the order with the deviations of its latest
    check beside the line they concern, and everything on record about it."""
    latest = record.checks[-1]
    lines = record.body.get("lines", [])
    by_line: dict[int | None, list[Any]] = defaultdict(list)
    for d in latest.deviations:
        by_line[d.line if d.line is not None and 0 <= d.line < len(lines) else None].append(d)
    questions = order_questions.questions_of_order(db.session, record)
    asked: dict[int, list[Any]] = defaultdict(list)
    for q in questions:
        asked[q.deviation_id].append(q)
    deal = _deal_of(record)
    return {
        "record": record, "deal": deal, "latest": latest, "lines": lines, "by_line": by_line,
        "checks": list(reversed(record.checks)),
        "decisions": service.decisions_of(db.session, record), "questions": questions,
        "asked": asked, "reviews": {i.deviation.id: i for i in
                                    order_reviews.review_items(db.session, record)},
        "choices": service.decision_choices(me, record),
        "may_ask": deal is not None and may(me, "orders.ask"),
        "may_review": may(me, "orders.review"),
        "where": order_questions.where_on_order,
        "form": {"errors": {}, "typed": {}, "deviation_id": None, "kind": None, **form},
    }


@bp.route("/orders/<int:order_id>")
def order(order_id: int) -> Any:
    me = signed_in()
    record = service.get_order(db.session, me, order_id)
    return render_template("order.html", **_order_page(me, record))


def _refused_form(me: User, order_id: int, kind: str, errors: dict[str, list[str]],
                  deviation_id: int | None = None) -> Any:
    record = service.get_order(db.session, me, order_id)
    return render_template("order.html", refused=True, **_order_page(
        me, record, kind=kind, errors=errors, typed=request.form,
        deviation_id=deviation_id)), 422


def _back_to(order_id: int) -> str:
    """Back to the queue the form was sent from (its filters kept), else to the order."""
    back = request.form.get("back", "")
    if back == "/orders" or back.startswith("/orders?"):
        return back
    return url_for("web.order", order_id=order_id)


@bp.route("/orders/<int:order_id>/decision", methods=["POST"])
def decide_order(order_id: int) -> Any:
    me = signed_in()
    data, errors = load(OrderDecisionIn(), {"action": request.form.get("action", ""),
                                            "reason": request.form.get("reason", "").strip()})
    if not errors:
        try:
            record = service.decide(db.session, me, order_id, data["action"], data["reason"])
        except InvalidInput as refused:
            errors = refused.errors or {"_": [refused.detail]}
    if errors:
        return _refused_form(me, order_id, "decision", errors)
    flash(f"Order {record.po_number} {DONE[data['action']]}: {data['reason']}")
    return redirect(_back_to(order_id))


def _deviation_id() -> int | None:
    return an_id(request.form.get("deviation_id"))


@bp.route("/orders/<int:order_id>/questions", methods=["POST"])
def ask_salesperson(order_id: int) -> Any:
    me = signed_in()
    data, errors = load(QuestionIn(), {"deviation_id": request.form.get("deviation_id", ""),
                                       "text": request.form.get("text", "").strip()})
    if not errors:
        try:
            question = order_questions.ask(db.session, me, order_id, data["deviation_id"],
                                           data["text"])
        except InvalidInput as refused:
            errors = refused.errors or {"_": [refused.detail]}
    if errors:
        return _refused_form(me, order_id, "question", errors, _deviation_id())
    flash(f"Your question went to {question.asked_to.name} by mail; the answer will be "
          "shown here.")
    return redirect(url_for("web.order", order_id=order_id,
                            _anchor=f"deviation-{question.deviation_id}"))


@bp.route("/orders/<int:order_id>/reviews", methods=["POST"])
def tick_off_review(order_id: int) -> Any:
    me = signed_in()
    data, errors = load(ReviewIn(), {"deviation_id": request.form.get("deviation_id", ""),
                                     "note": request.form.get("note", "").strip()})
    if not errors:
        try:
            order_reviews.tick_off(db.session, me, order_id, data["deviation_id"],
                                   data["note"])
        except InvalidInput as refused:
            errors = refused.errors or {"_": [refused.detail]}
    if errors:
        return _refused_form(me, order_id, "review", errors, _deviation_id())
    flash("Ticked off: the review is on record for this order.")
    return redirect(url_for("web.order", order_id=order_id,
                            _anchor=f"deviation-{data['deviation_id']}"))

"""Order checks: one order (JSON or UBL XML), batches, the queue, decisions, severities."""

from __future__ import annotations

import io
from typing import Any

from flask import jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api import batch_stream, present
from app.api.access import guarded
from app.api.auth import current_actor
from app.api.guards import streams_body
from app.api.idempotency import idempotent
from app.api.openapi import problems
from app.api.schemas import PageArgs, PageOut, _id
from app.errors import InvalidInput
from app.extensions import db
from app.policy import require
from app.services import orders as service
from terms.deviations import CODES, SEVERITIES

blp = Blueprint("orders", __name__, url_prefix="/api/v1", description="Order checks")

XML_TYPES = ("application/xml", "text/xml")


class DeviationOut(Schema):
    code = fields.String()
    severity = fields.String()
    term_id = fields.Integer(allow_none=True)
    line = fields.Integer(allow_none=True)
    field = fields.String(allow_none=True)
    expected = fields.String(allow_none=True)
    actual = fields.String(allow_none=True)
    message = fields.String()


class CheckOut(Schema):
    order_id = fields.Integer()
    check_id = fields.Integer()
    po_number = fields.String()
    deal_id = fields.Integer(allow_none=True)
    status = fields.String()
    terms_version = fields.Integer(allow_none=True)
    decision = fields.String(allow_none=True)
    deviations = fields.List(fields.Nested(DeviationOut))


class DecisionOut(Schema):
    id = fields.Integer()
    action = fields.String()
    reason = fields.String()
    user_id = fields.Integer()
    user = fields.String()
    check_id = fields.Integer()
    decided_at = fields.DateTime()


class OrderOut(Schema):
    id = fields.Integer()
    deal_id = fields.Integer(allow_none=True)
    po_number = fields.String()
    order_date = fields.Date()
    status = fields.String()
    decision = fields.String(allow_none=True)
    order = fields.Dict()
    checks = fields.List(fields.Dict())
    decisions = fields.List(fields.Nested(DecisionOut))


class OrderSummaryOut(Schema):
    id = fields.Integer()
    deal_id = fields.Integer(allow_none=True)
    po_number = fields.String()
    order_date = fields.Date()
    status = fields.String()
    decision = fields.String(allow_none=True)
    codes = fields.List(fields.String())


class OrderListOut(PageOut):
    items = fields.List(fields.Nested(OrderSummaryOut))


class OrderListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(("clear", "flagged", "blocked")))
    deal = _id()
    code = fields.String(validate=validate.OneOf(CODES))
    since = fields.Date()
    until = fields.Date()
    waiting = fields.Boolean(metadata={
        "description": "Only orders someone still has to act on: flagged or blocked with no "
                       "decision yet, held, or with a manual review item not ticked off"})


class OrderDecisionIn(Schema):
    action = fields.String(required=True, validate=validate.OneOf(("release", "hold",
                                                                   "override")))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000),
                           error_messages={"required": "Give the reason for the decision."})


class SeveritiesOut(Schema):
    severities = fields.Dict(keys=fields.String(), values=fields.String())


class SeveritiesIn(Schema):
    severities = fields.Dict(keys=fields.String(validate=validate.OneOf(CODES)),
                             values=fields.String(validate=validate.OneOf(SEVERITIES)),
                             required=True)


def _order_from_request() -> tuple[dict[str, Any], str]:
    upload = request.files.get("file")
    if upload is not None and (upload.filename or "").lower().endswith(".xml"):
        return _ubl(upload.read(MAX_XML_BYTES + 1)), "ubl"
    if (request.mimetype or "") in XML_TYPES:
        return _ubl(request.get_data()), "ubl"
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput.field("body", "Send the order as a JSON object or a UBL Order XML "
                                 "document.")
    return body, "json"


MAX_XML_BYTES = 5 * 1024 * 1024  # as app.intake.ubl; reading one byte more lets it refuse


def _ubl(data: bytes) -> dict[str, Any]:
    from app.intake.ubl import order_from_ubl

    return order_from_ubl(data)


def _summary(record: Any) -> dict[str, Any]:
    latest = record.checks[-1] if record.checks else None
    return {"id": record.id, "deal_id": record.deal_id, "po_number": record.po_number,
            "order_date": record.order_date, "status": record.status,
            "decision": record.decision,
            "codes": [d.code for d in latest.deviations] if latest else []}


def _check(c: Any) -> dict[str, Any]:
    return {"check_id": c.id, "status": c.status, "terms_version": c.terms_version,
            "checked_at": c.checked_at.isoformat(),
            "deviations": [{"code": d.code, "severity": d.severity, "term_id": d.term_id,
                            "line": d.line, "field": d.field, "expected": d.expected,
                            "actual": d.actual, "message": d.message} for d in c.deviations]}


def order_json(record: Any) -> dict[str, Any]:
    return {**_summary(record), "order": record.body,
            "checks": [_check(c) for c in record.checks],
            "decisions": [{"id": d.id, "action": d.action, "reason": d.reason,
                           "user_id": d.user_id, "user": d.user.name, "check_id": d.check_id,
                           "decided_at": d.decided_at}
                          for d in service.decisions_of(db.session, record)]}


@blp.route("/orders/check")
class Check(MethodView):
    @problems(415)
    @guarded("orders.check")
    @idempotent
    @blp.doc(requestBody={"required": True, "content": {
        "application/json": {"schema": {"type": "object", "description": "An order"}},
        "application/xml": {"schema": {"type": "string"}}}})
    @blp.response(200, CheckOut)
    def post(self) -> Any:
        """Check one order (JSON, or a UBL 2.1 Order XML document) against the terms in force
        on its date; the check and its deviations are kept."""
        actor = current_actor()
        raw, source = _order_from_request()
        # Already in the shape CheckOut documents: sent as is, without a second pass through
        # the schema (a tenth of the time of a check).
        return jsonify(service.check(db.session, actor, raw, source).as_json())


class BatchOut(Schema):
    summary = fields.Dict()
    results = fields.List(fields.Dict())
    error = fields.Dict(metadata={"description": "Present when the batch stopped early: the "
                                  "results listed were checked and kept, the rest not read."})


@blp.route("/orders/check-batch")
class CheckBatch(MethodView):
    @problems(415)
    @streams_body
    @guarded("orders.check")
    @blp.response(200, BatchOut)
    @blp.doc(requestBody={"required": True, "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/x-ndjson": {"schema": {"type": "string"}}}})
    @blp.doc(responses={"200": {"description": "Each order's result, and a summary; with "
                                "Accept: text/csv, one row per order", "content": {
        "application/json": {"schema": BatchOut},
        "text/csv": {"schema": {"type": "string"}}}}})
    def post(self) -> Any:
        """Check many orders: a CSV (one row per order line) or JSON Lines upload, as the body
        or a multipart `file`. Returns a summary and each order's result; a bad row is reported
        and the rest are still checked."""
        from app.services import batches

        actor = current_actor()
        require(actor, "orders.check")
        upload = request.files.get("file")
        stream = batch_stream.keep_open(upload) if upload is not None else request.stream
        items = batches.items_from(io.BufferedReader(stream),  # type: ignore[arg-type]
                                   upload.filename if upload else None,
                                   upload.mimetype if upload else request.mimetype)
        if request.accept_mimetypes.best_match(("application/json", "text/csv")) == "text/csv":
            return batch_stream.streamed(batch_stream.csv_results(actor, items), "text/csv")
        return batch_stream.streamed(batch_stream.json_results(actor, items), "application/json")


@blp.route("/orders")
class Orders(MethodView):
    @guarded("read")
    @blp.arguments(OrderListArgs, location="query")
    @blp.response(200, OrderListOut)
    def get(self, args: dict[str, Any]) -> Any:
        """Orders and the result of their latest check (filters: status, deal, code, dates)."""
        f = service.OrderFilter(status=args.get("status"), deal_id=args.get("deal"),
                                code=args.get("code"), since=args.get("since"),
                                until=args.get("until"), waiting=args.get("waiting", False))
        result = service.list_orders(db.session, current_actor(), f, args["page"],
                                     args["per_page"])
        return present.page(result, _summary)


@blp.route("/orders/<int:order_id>")
class OneOrder(MethodView):
    @guarded("read")
    @blp.response(200, OrderOut)
    def get(self, order_id: int) -> Any:
        """One order with every check and every decision."""
        return order_json(service.get_order(db.session, current_actor(), order_id))


@blp.route("/orders/<int:order_id>/decision")
class Decision(MethodView):
    @guarded("orders.decide")
    @blp.arguments(OrderDecisionIn)
    @blp.response(201, OrderOut)
    def post(self, data: dict[str, Any], order_id: int) -> Any:
        """Release or hold (fulfillment), or override (manager), with a reason; all kept."""
        record = service.decide(db.session, current_actor(), order_id, data["action"],
                                data["reason"])
        return order_json(record)


@blp.route("/settings/severities")
class Severities(MethodView):
    @guarded("read")
    @blp.response(200, SeveritiesOut)
    def get(self) -> Any:
        """The severity of each deviation code."""
        require(current_actor(), "read")
        return {"severities": service.severities(db.session)}

    @guarded("settings.write")
    @blp.arguments(SeveritiesIn)
    @blp.response(200, SeveritiesOut)
    def put(self, data: dict[str, Any]) -> Any:
        """Change severities (admin); the change is in the audit log."""
        return {"severities": service.set_severities(db.session, current_actor(),
                                                     data["severities"])}




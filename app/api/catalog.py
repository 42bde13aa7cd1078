"""The product catalog and the company's standard terms."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api import present
from app.api.access import guarded
from app.api.auth import current_actor
from app.api.idempotency import idempotent
from app.api.schemas import (
    ProductListArgs,
    ProductListOut,
    ProductsSaved,
    StandardTermsIn,
    StandardTermsOut,
)
from app.errors import InvalidInput
from app.extensions import db
from app.services import catalog as service
from terms.kinds import describe_term
from terms.parse import term_to_json

blp = Blueprint("catalog", __name__, url_prefix="/api/v1", description="Catalog and standard terms")


def _product(p: Any) -> dict[str, Any]:
    return {"id": p.id, "sku": p.sku, "name": p.name, "category": p.category,
            "list_price": p.list_price, "currency": p.currency}


def _rows_from_request() -> tuple[list[Any], bool]:
    """The rows sent, and whether they came as one JSON object (not a list or a file)."""
    upload = request.files.get("file")
    if upload is not None:
        return service.rows_from_csv(upload.read()), False
    if (request.mimetype or "") in ("text/csv", "application/csv"):
        return service.rows_from_csv(request.get_data()), False
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        return [body], True
    if isinstance(body, list):
        return body, False
    raise InvalidInput.field("body", "Send a product object, a JSON list, or text/csv.")


def _import(rows: list[Any], single: bool) -> list[Any]:
    try:
        return service.import_products(db.session, current_actor(), rows)
    except InvalidInput as exc:
        if not single:
            raise
        # One object was sent: its fields are named as sent, not as row 0 of a list.
        exc.errors = {k.removeprefix("0."): v for k, v in exc.errors.items()}
        raise


@blp.route("/products")
class Products(MethodView):
    @guarded("products.write")
    @idempotent
    @blp.doc(requestBody={"required": True, "content": {
        "application/json": {"schema": {"oneOf": [{"type": "object"}, {"type": "array"}]}},
        "text/csv": {"schema": {"type": "string"}}}})
    @blp.response(201, ProductsSaved)
    def post(self) -> Any:
        """Add or update catalog products: one JSON object, a JSON list, or a CSV file with the
        columns sku, name, category, list_price, currency. All rows are saved, or none."""
        saved = _import(*_rows_from_request())
        return {"items": [_product(p) for p in saved], "count": len(saved)}

    @guarded("read")
    @blp.arguments(ProductListArgs, location="query")
    @blp.response(200, ProductListOut)
    def get(self, args: dict[str, Any]) -> Any:
        """The catalog (filter: category)."""
        result = service.list_products(db.session, current_actor(), args["page"],
                                       args["per_page"], args.get("category"))
        return present.page(result, _product)


def _standard_terms() -> dict[str, Any]:
    record, terms = service.read_standard_terms(db.session, current_actor())
    currency = next((str(t.params["code"]) for t in terms if t.kind == "currency"), "")
    return {"terms": [{**term_to_json(t), "summary": describe_term(t, currency)} for t in terms],
            "updated_at": record.created_at if record else None,
            "author_id": record.author_id if record else None}


@blp.route("/standard-terms")
class StandardTerms(MethodView):
    @guarded("read")
    @blp.response(200, StandardTermsOut)
    def get(self) -> Any:
        """The company's standard terms: what every deal's terms differ from."""
        return _standard_terms()

    @guarded("standard_terms.write")
    @blp.arguments(StandardTermsIn)
    @blp.response(200, StandardTermsOut)
    def put(self, data: dict[str, Any]) -> Any:
        """Replace the standard terms (admin); earlier sets stay on record."""
        service.replace_standard_terms(db.session, current_actor(), data["terms"])
        return _standard_terms()

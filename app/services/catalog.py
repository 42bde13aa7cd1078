"""The catalog and the company's standard terms: what "standard" means for every deal."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.db.models import Product, StandardTerms, User
from app.db.session import unit_of_work
from app.errors import InvalidInput
from app.policy import require
from app.services.paging import Page, paginate
from terms.errors import TermsInvalid
from terms.model import Term
from terms.money import CURRENCY_CODES, AmountError, parse_decimal
from terms.parse import parse_terms, term_to_json

PRODUCT_COLUMNS = ("sku", "name", "category", "list_price", "currency")


def _text(row: Mapping[str, Any], name: str, errors: dict[str, list[str]], *, required: bool,
          limit: int) -> str:
    value = row.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.setdefault(name, []).append("Missing data for required field.")
        return ""
    if not isinstance(value, str):
        errors.setdefault(name, []).append("Must be a string.")
        return ""
    if len(value.strip()) > limit:
        errors.setdefault(name, []).append(f"Must be at most {limit} characters.")
    return value.strip()


def _price(row: Mapping[str, Any], errors: dict[str, list[str]]) -> Decimal:
    value = row.get("list_price")
    if not isinstance(value, str):
        message = ('Must be a decimal string such as "12.00", not a number.'
                   if isinstance(value, int | float) else "Missing data for required field.")
        errors.setdefault("list_price", []).append(message)
        return Decimal(0)
    try:
        price = parse_decimal(value, example="12.00")
    except AmountError as exc:
        errors.setdefault("list_price", []).append(f"{str(exc).capitalize()}.")
        return Decimal(0)
    if price < 0:
        errors.setdefault("list_price", []).append("Must not be negative.")
    return price


def parse_product(row: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """One catalog row read and checked; returns the values and every problem found."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(row) - set(PRODUCT_COLUMNS) - {"id"})
    for name in unknown:
        errors[name] = ["Unknown field."]
    currency = _text(row, "currency", errors, required=True, limit=3).upper()
    if currency and currency not in CURRENCY_CODES:
        errors.setdefault("currency", []).append(f"Unknown currency {currency!r}.")
    values = {
        "sku": _text(row, "sku", errors, required=True, limit=64),
        "name": _text(row, "name", errors, required=True, limit=200),
        "category": _text(row, "category", errors, required=False, limit=100),
        "list_price": _price(row, errors),
        "currency": currency,
    }
    return values, errors


def rows_from_csv(data: bytes) -> list[dict[str, Any]]:
    """Catalog rows from CSV text with a header line naming the columns."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput.field("file", "The CSV file is not UTF-8 text.") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in PRODUCT_COLUMNS if c != "category" and c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput.field("file", f"The CSV header lacks the columns {', '.join(missing)}.")
    rows = [dict(row) for row in reader]
    # DictReader files the values beyond the header under the key None.
    long_rows = {f"{index}": ["This row has more values than the header has columns."]
                 for index, row in enumerate(rows) if None in row}
    if long_rows:
        raise InvalidInput("Some rows do not fit the CSV header; nothing was saved.", long_rows)
    return rows


def _check_all(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    parsed, errors = [], {}
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            errors[f"{index}"] = ["Each product must be an object."]
            continue
        values, row_errors = parse_product(row)
        if values["sku"] in seen:
            row_errors.setdefault("sku", []).append(
                f"SKU {values['sku']} is given twice (also in row {seen[values['sku']]}).")
        seen[values["sku"]] = index
        errors.update({f"{index}.{k}": v for k, v in row_errors.items()})
        parsed.append(values)
    if not rows:
        errors["products"] = ["No products were given."]
    if errors:
        raise InvalidInput("Some products are not valid; nothing was saved.", errors)
    return parsed


def import_products(session: Session, actor: User, rows: Sequence[Mapping[str, Any]])\
        -> list[Product]:
    """Add products, or update those whose SKU exists; all rows or none."""
    require(actor, "products.write")
    parsed = _check_all(rows)
    existing = {p.sku: p for p in session.scalars(
        select(Product).where(Product.sku.in_([v["sku"] for v in parsed])))}
    with unit_of_work(session):
        saved = [_upsert(session, actor, existing.get(values["sku"]), values) for values in parsed]
    return saved


def _upsert(session: Session, actor: User, product: Product | None, values: dict[str, Any])\
        -> Product:
    if product is None:
        product = Product(**values)
        session.add(product)
        session.flush()
        audit.record(session, actor_id=actor.id, action="product.created", entity="product",
                     entity_id=product.id, data=values)
        return product
    changes = {k: [getattr(product, k), v] for k, v in values.items() if getattr(product, k) != v}
    if changes:
        for name, (_, new) in changes.items():
            setattr(product, name, new)
        audit.record(session, actor_id=actor.id, action="product.updated", entity="product",
                     entity_id=product.id, data={"sku": product.sku, "changes": changes})
    return product


def list_products(session: Session, actor: User, page: int, per_page: int,
                  category: str | None = None) -> Page[Product]:
    require(actor, "read")
    query = select(Product).order_by(Product.sku)
    if category:
        query = query.where(Product.category == category)
    return paginate(session, query, page, per_page)


def products_by_sku(session: Session, skus: Iterable[str]) -> dict[str, Product]:
    return {p.sku: p for p in session.scalars(select(Product).where(Product.sku.in_(set(skus))))}


def current_standard_terms(session: Session) -> tuple[Term, ...]:
    return _terms_of(standard_terms_record(session))


def _terms_of(record: StandardTerms | None) -> tuple[Term, ...]:
    return parse_terms(record.terms) if record else ()


def read_standard_terms(session: Session, actor: User)\
        -> tuple[StandardTerms | None, tuple[Term, ...]]:
    """The newest set of standard terms (its record, and its terms)."""
    require(actor, "read")
    record = standard_terms_record(session)
    return record, _terms_of(record)


def standard_terms_record(session: Session) -> StandardTerms | None:
    return session.scalar(select(StandardTerms).order_by(StandardTerms.id.desc()).limit(1))


def replace_standard_terms(session: Session, actor: User, raw_terms: Sequence[Mapping[str, Any]])\
        -> StandardTerms:
    """A new set of company standard terms; the earlier sets stay on record."""
    require(actor, "standard_terms.write")
    try:
        terms = parse_terms(raw_terms)
    except TermsInvalid as exc:
        raise exc.prefixed("terms") from None
    with unit_of_work(session):
        row = StandardTerms(terms=[term_to_json(t) for t in terms], author_id=actor.id)
        session.add(row)
        session.flush()
        audit.record(session, actor_id=actor.id, action="standard_terms.replaced",
                     entity="standard_terms", entity_id=row.id, data={"terms": row.terms})
    return row

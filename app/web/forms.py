"""Form posts read through the API's own schemas, so a page accepts exactly what the API does,
and field errors come back keyed the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError

from app.api.guards import MAX_ID


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as ``{"field.sub": [...]}``."""
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_": list(messages)}
    flat: dict[str, list[str]] = {}
    items = messages.items() if isinstance(messages, Mapping) else enumerate(messages)
    for key, value in items:
        flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def load(schema: Schema, raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The typed values, or the errors by field; empty inputs count as not given."""
    given = {k: v for k, v in raw.items() if v not in ("", None)}
    try:
        return schema.load(given), {}
    except ValidationError as error:
        return {}, flatten(error.messages)


def an_id(raw: str | None) -> int | None:
    """A record id typed or posted in a form, or None: only ASCII digits ("²".isdigit() is
    true too), no longer than an id can be (int() refuses thousands of digits), and only what
    an id column can hold, so a stray value never reaches the database out of range."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def ids(values: list[str]) -> list[int]:
    return [number for v in values if (number := an_id(v)) is not None]

"""Form posts read through the API's own schemas, so a page accepts exactly what the API does,
and field errors come back keyed the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError


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


def ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]

"""Input that no handler should ever see: ids no table can hold, and NUL characters (which
PostgreSQL text cannot store). Both are refused at the edge, as 404 and 422."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.routing import IntegerConverter, Map

from app.errors import InvalidInput

# Ids are 32-bit integers on PostgreSQL.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in a URL: a number beyond any id matches no route (404), and never reaches
    the database as an out-of-range value."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _nul_path(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        name = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and "\x00" in key:
            return name
        found = _nul_path(item, name)
        if found:
            return found
    return None


def refuse_nul_characters() -> None:
    """Name the field holding a NUL character, before anything is parsed or stored."""
    message = "Must not contain NUL (\\u0000) characters."
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            raise InvalidInput.field(key.replace("\x00", ""), message)
    if request.mimetype == "multipart/form-data":
        for key, value in request.form.items(multi=True):
            if "\x00" in value:
                raise InvalidInput.field(key, message)
        for key, upload in request.files.items(multi=True):
            data = upload.read()
            upload.seek(0)
            if b"\x00" in data:
                raise InvalidInput.field(key, message)
        return
    if request.is_json:
        found = _nul_path(request.get_json(silent=True), "")
        if found is not None:
            raise InvalidInput.field(found or "body", message)
        return
    if b"\x00" in request.get_data(cache=True):
        raise InvalidInput.field("body", message)


def install_guards(app: Flask) -> None:
    """Before any route is added: ids in URLs are bounded; every request is checked for NUL."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_characters)

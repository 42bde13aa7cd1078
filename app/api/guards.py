"""Input that no handler should ever see, refused at the edge before anything is parsed further
or stored: ids no table can hold (404), JSON bodies that cannot be read or nest absurdly deep
(400), query strings that are not UTF-8 and NUL characters, which PostgreSQL text cannot store
(422 naming the field)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, request
from werkzeug.routing import IntegerConverter, Map

from app.errors import HandoffError, InvalidInput
from app.intake.text import NUL_MESSAGE, depth, nul_path

# Ids are 32-bit integers on PostgreSQL.
MAX_ID = 2**31 - 1
# No request body of Handoff nests deeper than a handful of levels (a deal's terms' params).
MAX_JSON_DEPTH = 32


class UnreadableBody(HandoffError):
    status, title = 400, "Unreadable request body"


class IdConverter(IntegerConverter):
    """`<int:...>` in a URL: a number beyond any id matches no route (404), and never reaches
    the database as an out-of-range value."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def streams_body(view: Any) -> Any:
    """Mark a view that reads its upload as a stream: the guard leaves the body unread (the
    view refuses NUL characters itself, row by row), so a large upload is never held whole."""
    view.streams_body = True
    return view


def handler_of(app: Flask, endpoint: str, method: str) -> Any:
    """The function that answers `method` on `endpoint`: a MethodView's method, or the view."""
    view = app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    return getattr(view_class, method.lower(), None) if view_class else view


def _view_streams_body() -> bool:
    handler = handler_of(current_app, request.endpoint or "", request.method)
    return bool(getattr(handler, "streams_body", False))


def _refuse_undecodable_query() -> None:
    for pair in request.query_string.split(b"&"):
        raw_key, _, raw_value = pair.partition(b"=")
        key = unquote_to_bytes(raw_key.replace(b"+", b" "))
        value = unquote_to_bytes(raw_value.replace(b"+", b" "))
        try:
            name = key.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput.field("query", "Query parameter names must be UTF-8 text.") \
                from None
        try:
            value.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput.field(name, "Must be UTF-8 text.") from None


def _json_body() -> Any:
    """The JSON body, read once and checked: 400 when it cannot be read."""
    data = request.get_data(cache=True)
    if not data.strip():
        return None
    try:
        value = json.loads(data)
    except UnicodeDecodeError:
        raise UnreadableBody("The body is not UTF-8 text.",
                             {"body": ["Must be UTF-8 encoded JSON."]}) from None
    except RecursionError:
        value = None
        too_deep = True
    except ValueError as exc:
        raise UnreadableBody(f"The body is not valid JSON: {exc}.",
                             {"body": ["Must be valid JSON."]}) from None
    else:
        too_deep = depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH
    if too_deep:
        message = f"Must not nest arrays and objects more than {MAX_JSON_DEPTH} levels deep."
        raise UnreadableBody("The JSON body nests too deeply.", {"body": [message]})
    return value


def refuse_hostile_input() -> None:
    """Name the field holding bad text, before anything is parsed or stored."""
    _refuse_undecodable_query()
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            raise InvalidInput.field(key.replace("\x00", ""), NUL_MESSAGE)
    if _view_streams_body():
        return
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for key, value in request.form.items(multi=True):
            if "\x00" in key:
                raise InvalidInput.field(key.replace("\x00", ""), NUL_MESSAGE)
            if "\x00" in value:
                raise InvalidInput.field(key, NUL_MESSAGE)
        for key, upload in request.files.items(multi=True):
            data = upload.read()
            upload.seek(0)
            if b"\x00" in data:
                raise InvalidInput.field(key, NUL_MESSAGE)
        return
    if request.is_json:
        found = nul_path(_json_body())
        if found is not None:
            raise InvalidInput.field(found or "body", NUL_MESSAGE)
        return
    if b"\x00" in request.get_data(cache=True):
        raise InvalidInput.field("body", NUL_MESSAGE)


def install_guards(app: Flask) -> None:
    """Before any route is added: ids in URLs are bounded; every request is checked."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_hostile_input)

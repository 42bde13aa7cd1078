"""What an operator sees of each request: its id in the response and in every log line, and
its count and duration in the metrics."""

from __future__ import annotations

import time

from flask import Flask, Response, g

from app.logs import REQUEST_ID_HEADER, configure_logging, end_request_logging, request_id
from app.metrics import count_request, register_metrics


def _start_request() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish_request(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id()
    started = g.get("request_started")
    count_request(response, time.perf_counter() - started if started else 0.0)
    return response


def register_observability(app: Flask) -> None:
    configure_logging(app.config.get("LOG_LEVEL", "INFO"), app.config.get("LOG_FORMAT", "json"))
    app.before_request(_start_request)
    app.after_request(_finish_request)
    # Registered before the database's teardown, so it runs after it (teardowns run in
    # reverse): the lines written while the session closes keep the request's id.
    app.teardown_appcontext(end_request_logging)
    register_metrics(app)

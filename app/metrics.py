"""Metrics in Prometheus' text format at /metrics.

Counters (requests, checks, deviations) are kept by each process; under gunicorn they are
summed over the workers with prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR,
set by gunicorn.conf.py). Queue figures (outbox depth, scheduler lag) are read from the database
at each scrape, so they are right whichever process did the work, scheduler processes included.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from flask import Flask, Response, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import event, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app import clock
from app.errors import NotAllowed

# A `_created` twin of every counter doubles the output and tells a dashboard nothing.
disable_created_metrics()

HTTP_REQUESTS = Counter("handoff_http_requests", "HTTP requests answered, by route and status.",
                        ["method", "route", "status"])
HTTP_SECONDS = Histogram("handoff_http_request_duration_seconds",
                         "Time to answer an HTTP request, by route.", ["method", "route"],
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
ORDER_CHECKS = Counter("handoff_order_checks", "Order checks stored, by outcome.", ["status"])
DEVIATIONS = Counter("handoff_order_deviations", "Deviations found by stored order checks, "
                     "by code.", ["code"])


def route_of_request() -> str:
    """The route's pattern, not the path: ids and tokens stay out of the labels."""
    return request.url_rule.rule if request.url_rule is not None else "<unmatched>"


def count_request(response: Response, seconds: float) -> None:
    route = route_of_request()
    HTTP_REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    HTTP_SECONDS.labels(request.method, route).observe(seconds)


# --- checks and deviations, counted when the transaction that stores them commits ----------

_PENDING = "handoff.metrics.pending"


def count_when_committed(session: Session, checks: Iterable[tuple[str, Iterable[str]]]) -> None:
    """Count stored checks — (status, deviation codes) each — once the transaction that stores
    them commits; a rollback forgets them. The chunk checker writes checks with bulk inserts,
    so no ORM object exists for a flush to see."""
    pending = session.info.setdefault(_PENDING, [])
    for status, codes in checks:
        pending.append((ORDER_CHECKS, status))
        pending.extend((DEVIATIONS, code) for code in codes)


def _count_committed(session: Session) -> None:
    for counter, label in session.info.pop(_PENDING, ()):
        counter.labels(label).inc()


def _forget_rolled_back(session: Session, *_args: Any) -> None:
    session.info.pop(_PENDING, None)


def watch_sessions() -> None:
    """Counted checks are added to the counters when their transaction commits (API, pages
    and batches alike), and forgotten when it rolls back."""
    if event.contains(Session, "after_commit", _count_committed):
        return
    event.listen(Session, "after_commit", _count_committed)
    event.listen(Session, "after_rollback", _forget_rolled_back)


# --- queue figures, read from the database at each scrape ----------------------------------

def _age(oldest: datetime | None, now: datetime) -> float:
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # SQLite hands back naive UTC
        from datetime import UTC

        oldest = oldest.replace(tzinfo=UTC)
    return max(0.0, (now - oldest).total_seconds())


class QueueCollector(Collector):
    """Outbox depth and scheduler lag, from the database."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from app.db.models import DueWork, OutboxMessage

        up = GaugeMetricFamily("handoff_database_up", "1 when the database answered this "
                               "scrape.")
        try:
            now = clock.now()
            by_status = dict(self.session.execute(
                select(OutboxMessage.status, func.count()).where(OutboxMessage.status != "sent")
                .group_by(OutboxMessage.status)).all())
            oldest_message = self.session.scalar(select(func.min(OutboxMessage.not_before)).where(
                OutboxMessage.status == "pending", OutboxMessage.not_before <= now))
            oldest_work = self.session.scalar(select(func.min(DueWork.due_at)).where(
                DueWork.status == "pending", DueWork.due_at <= now))
        except SQLAlchemyError:
            self.session.rollback()
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        depth = GaugeMetricFamily("handoff_outbox_messages", "Messages not yet sent: pending "
                                  "(waiting or being retried) and failed (given up).",
                                  labels=["status"])
        for status in ("pending", "failed"):
            depth.add_metric([status], float(by_status.get(status, 0)))
        yield depth
        lag = GaugeMetricFamily("handoff_scheduler_lag_seconds", "Age of the oldest item that "
                                "is due and not yet done (0 when the scheduler keeps up).",
                                labels=["queue"])
        lag.add_metric(["outbox"], _age(oldest_message, now))
        lag.add_metric(["due_work"], _age(oldest_work, now))
        yield lag


def _process_metrics() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def exposition(session: Session) -> bytes:
    queues = CollectorRegistry(auto_describe=False)
    queues.register(QueueCollector(session))
    return _process_metrics() + generate_latest(queues)


# --- who may read them ----------------------------------------------------------------------

def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _from_this_machine() -> bool:
    """A loopback caller, not relayed by a proxy Handoff was not told to trust (a proxy on the
    same machine would make every outside caller look local)."""
    relayed = "X-Forwarded-For" in request.headers or "Forwarded" in request.headers
    if relayed and not current_app.config.get("PROXY_HOPS"):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def may_read_metrics() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    if token:
        return hmac.compare_digest(_bearer().encode(), token.encode())
    return _from_this_machine()


def register_metrics(app: Flask) -> None:
    watch_sessions()

    @app.get("/metrics")
    def metrics() -> Response:
        from app.extensions import db

        if not may_read_metrics():
            raise NotAllowed("Metrics are for the monitoring system: send its token, or ask "
                             "from the machine itself.")
        return Response(exposition(db.session), content_type=CONTENT_TYPE_LATEST)

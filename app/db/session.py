"""Engine set-up and the unit of work every use case runs in."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def configure_engine(engine: Engine) -> None:
    """SQLite: foreign keys on, WAL, and BEGIN IMMEDIATE so write transactions serialise."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_handoff_configured", False):
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself, not pysqlite's implicit BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if ":memory:" not in str(engine.url):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    engine._handoff_configured = True  # type: ignore[attr-defined]


_DEFERRED = "handoff.commit_deferred"


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """One transaction for one use case: commit once at the end, roll back on any error.

    Inside `commit_deferred`, the end is a flush: the caller commits the use case together
    with what it records about it (an idempotent request's stored answer)."""
    try:
        yield session
        if session.info.get(_DEFERRED):
            session.flush()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def commit_deferred(session: Session) -> Iterator[Session]:
    """Units of work inside flush instead of committing; the caller commits (or rolls back)
    once, so everything inside is kept or lost together."""
    session.info[_DEFERRED] = True
    try:
        yield session
    finally:
        session.info.pop(_DEFERRED, None)


def close_sessions_safely(app: Flask) -> None:
    """Close each request's session before Flask-SQLAlchemy does (teardowns run in reverse),
    so a connection the database dropped meanwhile (a restart) cannot turn an answer already
    made into a server error while it is closed. Registered after `db.init_app`."""
    from app.extensions import db

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None = None) -> None:
        try:
            db.session.remove()
        except DBAPIError:
            log.warning("the database connection was lost while closing a session")
            db.session.registry.clear()

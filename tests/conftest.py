"""Each test gets its own migrated database: a copy of a template file on SQLite, or a truncated
throw-away database on PostgreSQL (TEST_DATABASE=postgresql)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db

ON_POSTGRES = os.environ.get("TEST_DATABASE") == "postgresql"
ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://root@127.0.0.1:5432/postgres")


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _migrate(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance)})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database for the session: built once by running the real migrations."""
    instance = tmp_path_factory.mktemp("instance")
    if not ON_POSTGRES:
        template = instance / "template.sqlite3"
        _migrate(f"sqlite:///{template}", instance)
        yield f"sqlite:///{template}"
        return
    name = f"handoff_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_psycopg(ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = _psycopg(ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
    try:
        _migrate(url, instance)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Passwords are hashed with cheap argon2 parameters in tests: the same code path in a
    fraction of the time (the production cost is there to slow attackers, not tests)."""
    from argon2 import PasswordHasher

    from app.services import users

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=64,
                                                       parallelism=1))
        yield


def _fresh_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"))]
        # The append-only triggers guard production data; a test database starts empty.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        conn.execute(text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"),
                     {"h": "0" * 64})
    engine.dispose()


def app_config(url: str, instance: Path, **extra: Any) -> dict[str, Any]:
    return {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "TESTING": True,
            "SECRET_KEY": "test-secret", "MAIL_URL": "", "SCHEDULER_EMBEDDED": False,
            "WTF_CSRF_ENABLED": True, **extra}


@pytest.fixture
def db_url(database_url: str, tmp_path: Path) -> str:
    """A database for this test alone."""
    if ON_POSTGRES:
        _fresh_postgres(database_url)
        return database_url
    path = tmp_path / "handoff.sqlite3"
    shutil.copyfile(database_url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(app_config(db_url, tmp_path / "instance"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()

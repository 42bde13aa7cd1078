"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.db.base import Base
from app.extensions import db


def _differences(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        return compare_metadata(context, Base.metadata)


def test_models_and_migrations_agree(app):
    assert _differences(app) == []


def test_the_audit_chain_starts_at_the_genesis_head(app):
    from app.audit import GENESIS, head_hash

    with app.app_context():
        assert head_hash(db.session) == GENESIS

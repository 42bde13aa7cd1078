"""Handoff: negotiated customer terms on record from deal close to first shipment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from app.config import Settings

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers, commands."""
    instance_path = (config or {}).get("INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    load_config(app, config)
    register_operations(app)
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_commands(app)
    start_embedded_scheduler(app)
    return app


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(Settings.from_environment(app.instance_path).values)
    app.config.update(
        API_TITLE="Handoff",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL="/api/v1/docs-assets/",
        SQLALCHEMY_TRACK_MODIFICATIONS=False,
        JSON_SORT_KEYS=False,
    )
    app.config.update(overrides or {})


def register_extensions(app: Flask) -> None:
    from app.db.session import close_sessions_safely, configure_engine
    from app.extensions import api, db, migrate

    db.init_app(app)
    close_sessions_safely(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    from app.api.openapi import BEARER, ProblemDocs

    api.init_app(app, spec_kwargs={"info": {"description": API_DESCRIPTION},
                                   "extra_plugins": [ProblemDocs(app)],
                                   "security": [{BEARER: []}]})
    with app.app_context():
        configure_engine(db.engine)


def register_operations(app: Flask) -> None:
    """First, so that every response and log line of every request is covered: security
    headers, the trusted proxy, request ids, JSON logs and metrics."""
    from app.observability import register_observability
    from app.security import register_security

    register_security(app)
    register_observability(app)


def register_blueprints(app: Flask) -> None:
    from app.api import register_api, register_docs_assets
    from app.api.guards import install_guards
    from app.extensions import api
    from app.web import register_web

    install_guards(app)
    register_api(api)
    register_docs_assets(app)
    register_web(app)


def register_errors(app: Flask) -> None:
    from app.api.errors import register_error_handlers

    register_error_handlers(app)


def register_commands(app: Flask) -> None:
    from app.cli import register_cli

    register_cli(app)


def start_embedded_scheduler(app: Flask) -> None:
    if not app.config.get("SCHEDULER_EMBEDDED"):
        return
    from app.scheduler import start_in_background

    start_in_background(app)


API_DESCRIPTION = (
    "Handoff keeps the terms a salesperson negotiated on record: typed, versioned and signed, "
    "with a tamper-evident log of every change. Authenticate with `Authorization: Bearer <token>`."
    " Errors are RFC 9457 problem details."
)

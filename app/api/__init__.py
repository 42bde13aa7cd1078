"""The HTTP API under /api/v1 (flask-smorest blueprints)."""

from __future__ import annotations

from importlib.resources import files

from flask import Flask, send_from_directory
from flask_smorest import Api, Blueprint
from marshmallow import RAISE

from app.api import (
    accounts,
    audit_log,
    briefs,
    catalog,
    deals,
    health,
    kickoff,
    order_questions,
    order_reviews,
    orders,
    users,
)


def register_api(api: Api) -> None:
    refuse_unknown_query_parameters()
    for module in (health, users, accounts, catalog, deals, kickoff, briefs, orders,
                   order_reviews, order_questions, audit_log):
        api.register_blueprint(module.blp)


def refuse_unknown_query_parameters() -> None:
    """A misspelt filter (`?stauts=held`) is refused with 422 naming it, not silently ignored,
    so nobody reads an unfiltered list as a filtered one."""
    parser = Blueprint.ARGUMENTS_PARSER
    parser.DEFAULT_UNKNOWN_BY_LOCATION = {**parser.DEFAULT_UNKNOWN_BY_LOCATION,
                                          "query": RAISE, "querystring": RAISE}


def register_docs_assets(app: Flask) -> None:
    """Swagger UI's files (5.x, which reads OpenAPI 3.1), served from the `flask-swagger-ui`
    package's copy of its distribution: no CDN."""
    folder = str(files("flask_swagger_ui") / "dist")

    @app.get("/api/v1/docs-assets/<path:filename>")
    def docs_assets(filename: str):  # type: ignore[no-untyped-def]
        return send_from_directory(folder, filename, max_age=86400)

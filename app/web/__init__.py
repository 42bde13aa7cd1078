"""The web pages for people: sign-in, and one set of pages per role, on the services the API
uses. Views read a form, call one service, and render; the rules stay in the services."""

from __future__ import annotations

from flask import Flask

from app.web.blueprint import bp


def register_web(app: Flask) -> None:
    """Sessions, CSRF, login throttling, the pages and their template helpers."""
    from app.extensions import csrf, limiter, login_manager
    from app.web import filters, session

    # Flask's defaults name these keys already, so setdefault would not set them.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the session's own lifetime bounds it
    # The API authenticates by bearer token, not cookie, so CSRF is checked on the pages only.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    csrf.init_app(app)
    limiter.init_app(app)
    session.init_login(login_manager, app)
    from app.web import deals, kickoffs, manage, orders, pages, questions  # noqa: F401 - views

    filters.register(app)
    app.register_blueprint(bp)

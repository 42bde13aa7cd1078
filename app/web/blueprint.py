"""The blueprint every page belongs to, its sign-in gate, CSRF check and error pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.errors import HandoffError

bp = Blueprint("web", __name__, template_folder="../templates/web")

PUBLIC = {"web.sign_in"}


@bp.before_request
def require_sign_in() -> Any:
    """Every page but sign-in needs a signed-in user; every form post needs its CSRF token."""
    from app.extensions import csrf
    from app.web.session import send_to_sign_in

    if request.endpoint not in PUBLIC and not current_user.is_authenticated:
        return send_to_sign_in()
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    return None


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> Any:
    return render_template("error.html", status=400, title="This form has expired",
                           detail="The form was not sent from this page of Handoff, or it is "
                                  "too old. Go back, reload the page and send it again. "
                                  "Nothing was saved."), 400


@bp.errorhandler(HandoffError)
def service_refused(error: HandoffError) -> Any:
    return render_template("error.html", status=error.status, title=error.title,
                           detail=error.detail, errors=error.errors), error.status


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Any:
    status = error.code or 500
    return render_template("error.html", status=status, title=error.name,
                           detail=error.description), status


@bp.errorhandler(Exception)
def anything_else(error: Exception) -> Any:
    """What the API would answer (a 503 while the database is away, a 500 for a fault, a 422
    for a refused value), as a page with the same status, words and Retry-After."""
    problem = _api_handler_for(error)(error)
    body = problem.get_json(silent=True) or {}
    headers = {"Retry-After": problem.headers["Retry-After"]} \
        if "Retry-After" in problem.headers else {}
    try:
        page = render_template("error.html", status=problem.status_code,
                               title=body.get("title", "Error"), detail=body.get("detail", ""),
                               errors=body.get("errors"))
    except Exception:  # the page itself needs the database (who is signed in); it is away
        return problem
    return page, problem.status_code, headers


def _api_handler_for(error: Exception) -> Callable[[Exception], Response]:
    """The app's own handler of this kind of error (app/api/errors.py), found as Flask would."""
    handlers = current_app.error_handler_spec[None][None]
    for kind in type(error).__mro__:
        if kind in handlers:
            return handlers[kind]  # type: ignore[return-value]
    raise error

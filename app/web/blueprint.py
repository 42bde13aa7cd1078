"""The blueprint every page belongs to, its sign-in gate, CSRF check and error pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
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

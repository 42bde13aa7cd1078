"""Signing in and out of the web pages.

flask-login keeps only a random session id in the signed cookie; the id's hash lives in
`web_sessions`, so signing out ends the session on the server (a copied cookie is worthless
afterwards) and signing in always starts a new one (a planted cookie gains nothing).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from app.db.models import User
from app.extensions import db, limiter
from app.services import web_sessions
from app.web.blueprint import bp


class WebUser:
    """The signed-in person as flask-login sees them: the user and their session id."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: User, session_id: str) -> None:
        self.user = user
        self.session_id = session_id

    def get_id(self) -> str:
        return self.session_id


def init_login(manager: LoginManager, app: Flask) -> None:
    manager.init_app(app)
    manager.session_protection = "basic"

    @manager.user_loader
    def load(session_id: str) -> WebUser | None:
        user = web_sessions.user_for(db.session, session_id)
        return WebUser(user, session_id) if user is not None else None


def signed_in() -> User:
    """The user behind the current page (the blueprint's gate makes sure there is one)."""
    return current_user.user  # type: ignore[no-any-return]


def send_to_sign_in() -> Any:
    return redirect(url_for("web.sign_in", next=request.full_path.rstrip("?")))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an address elsewhere would make sign-in an open redirect."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") \
            or target.startswith("//"):
        return url_for("web.home")
    return target


class SignInForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


def _email_key() -> str:
    return f"{request.remote_addr}:{(request.form.get('email') or '').strip().lower()}"


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
@limiter.limit("5 per minute", methods=["POST"], key_func=_email_key)
def sign_in() -> Any:
    form = SignInForm()
    if form.validate_on_submit():
        token = web_sessions.sign_in(db.session, form.email.data or "", form.password.data or "",
                                     request.remote_addr or "",
                                     request.headers.get("User-Agent", ""))
        if token is not None:
            from app.web.pages import landing_for

            session.clear()
            user = web_sessions.user_for(db.session, token)
            login_user(WebUser(user, token))  # type: ignore[arg-type]
            target = request.args.get("next")
            return redirect(_safe_next(target) if target else
                            landing_for(user) or url_for("web.home"))  # type: ignore[arg-type]
        form.password.errors = ["The email or the password is not right."]
    status = 422 if form.errors else 200
    return render_template("sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Any:
    web_sessions.sign_out(db.session, current_user.session_id)
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("web.sign_in"))

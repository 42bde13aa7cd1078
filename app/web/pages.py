"""The start page: each person lands where their work is."""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, url_for

from app.db.models import User
from app.web.blueprint import bp
from app.web.session import signed_in

# Where each role starts, most senior view first for people with several roles.
LANDING = (("manager", "web.dashboard"), ("account_manager", "web.my_kickoffs"),
           ("fulfillment", "web.order_queue"), ("sales", "web.deals"), ("admin", "web.audit"))


def landing_for(user: User) -> str | None:
    """The page a person's work starts on, by their most senior role."""
    for role, endpoint in LANDING:
        if user.has_role(role) and endpoint in current_app.view_functions:
            return url_for(endpoint)
    return None


@bp.route("/")
def home() -> Any:
    landing = landing_for(signed_in())
    return redirect(landing) if landing else render_template("home.html")

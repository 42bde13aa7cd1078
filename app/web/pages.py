"""The start page: each person lands where their work is."""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, url_for

from app.web.blueprint import bp
from app.web.session import signed_in

# Where each role starts, most senior view first for people with several roles.
LANDING = (("manager", "web.dashboard"), ("account_manager", "web.my_kickoffs"),
           ("fulfillment", "web.order_queue"), ("sales", "web.deals"), ("admin", "web.audit"))


@bp.route("/")
def home() -> Any:
    user = signed_in()
    for role, endpoint in LANDING:
        if user.has_role(role) and endpoint in current_app.view_functions:
            return redirect(url_for(endpoint))
    return render_template("home.html")

"""Pages for managers: the dashboard (deals at risk, alerts, blocked orders, deviations over
time), and the audit log with the verification of its chain (managers and admins)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from sqlalchemy import select

from app.api.schemas import AuditArgs
from app.db.models import User
from app.extensions import db
from app.policy import require
from app.services import audit_log, reports
from app.web import charts, nav
from app.web.blueprint import bp
from app.web.filters import words
from app.web.forms import an_id, load
from app.web.session import signed_in

nav.add(5, "web.dashboard", "Dashboard", "manager")
nav.add(90, "web.audit", "Audit log", "manager", "admin")

WEEKS = (4, 8, 12, 26, 52)
PER_PAGE = 50


def _weeks() -> int:
    chosen = an_id(request.args.get("weeks"))
    return chosen if chosen in WEEKS else 12


@bp.route("/dashboard")
def dashboard() -> Any:
    me = signed_in()
    weeks = _weeks()
    board = reports.dashboard(db.session, me, weeks)
    counts = board.counts
    return render_template(
        "dashboard.html", board=board, weeks=weeks, week_choices=WEEKS,
        alerts=[(a, reports.describe_alert(a)) for a in board.alerts],
        by_code=charts.stacked_weeks(counts.weeks, {words(code): n for code, n in
                                                    counts.by_code.items()}),
        by_salesperson=charts.stacked_weeks(counts.weeks, counts.by_salesperson))


@bp.route("/audit")
def audit() -> Any:
    me = signed_in()
    require(me, "audit.read")
    raw = {k: v.strip() for k, v in request.args.items()}
    args, errors = load(AuditArgs(), raw)
    verification = audit_log.verify(db.session, me)
    context = {"values": raw, "errors": errors, "verification": verification}
    if errors:
        return render_template("audit.html", page=None, **context), 422
    page = audit_log.events(db.session, me, args, args["page"], PER_PAGE)
    actor_ids = {e.actor_id for e in page.items if e.actor_id}
    actors = {u.id: u.name for u in db.session.scalars(
        select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    return render_template("audit.html", page=page, actors=actors, **context)

"""The one clock of the service. Tests pin it with config["NOW"] (a callable returning an aware
UTC datetime), so behaviour that depends on today does not change with the calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import current_app, has_app_context


def now() -> datetime:
    if has_app_context():
        fixed = current_app.config.get("NOW")
        if callable(fixed):
            moment: datetime = fixed()
            return moment.astimezone(UTC)
    return datetime.now(UTC)


def today() -> date:
    return now().date()

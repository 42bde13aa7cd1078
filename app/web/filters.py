"""Template helpers: times in the reader's own time zone, money, and what the reader may do."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user

from app.policy import may
from app.web.nav import menu_for
from terms.money import format_money


def reader_zone() -> ZoneInfo:
    user = getattr(current_user, "user", None)
    try:
        return ZoneInfo(user.timezone if user is not None else "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def local_time(value: datetime | str | None, fmt: str = "%a %d %b %Y, %H:%M %Z") -> str:
    """A stored UTC time (or its ISO text, as the API shapes give it) as the reader's wall
    clock."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(reader_zone()).strftime(fmt)


# An ISO 8601 time with its offset, as the services write them into their messages.
_ISO_MOMENT = re.compile(
    r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})")


def times_in_reader_zone(text: str) -> str:
    """A message from a service with each time in it shown on the reader's wall clock (the
    services speak UTC, as the API does; a page speaks the reader's zone)."""
    def local(found: re.Match[str]) -> str:
        try:
            return local_time(found.group(0).replace("Z", "+00:00"))
        except ValueError:
            return found.group(0)

    return _ISO_MOMENT.sub(local, str(text))


def long_date(value: date | None) -> str:
    return value.strftime("%a %d %b %Y") if value is not None else ""


def money(amount: Decimal | str | None, currency: str) -> str:
    return format_money(Decimal(str(amount)), currency) if amount is not None else ""


def words(code: str) -> str:
    """A code or field name as words: PRICE_ABOVE_AGREED is "Price above agreed"."""
    return code.replace("_", " ").capitalize()


def register(app: Flask) -> None:
    app.add_template_filter(local_time, "local")
    app.add_template_filter(times_in_reader_zone, "local_times")
    app.add_template_filter(long_date, "day")
    app.add_template_filter(money, "money")
    app.add_template_filter(words, "words")

    @app.context_processor
    def reader() -> dict[str, Any]:
        user = getattr(current_user, "user", None)
        return {
            "me": user,
            "menu": menu_for(user) if user is not None else [],
            "may": (lambda action, **kw: may(user, action, **kw)) if user is not None
            else (lambda action, **kw: False),
            "reader_zone": reader_zone().key,
        }

"""The only place Handoff reads its environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import load_dotenv


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def database_url(instance_path: str) -> str:
    """DATABASE_URL, or a SQLite file in the instance folder."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):
        # Some hosts still hand out the pre-SQLAlchemy-1.4 scheme.
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or f"sqlite:///{Path(instance_path) / 'handoff.sqlite3'}"


@dataclass
class Settings:
    """Settings read once at start-up; tests pass overrides to create_app."""

    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_environment(cls, instance_path: str) -> Settings:
        load_dotenv(os.environ.get("HANDOFF_ENV_FILE", ".env"), override=False)
        return cls(
            {
                "SECRET_KEY": os.environ.get("SECRET_KEY", "dev-only-not-secret"),
                "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
                "MAIL_URL": os.environ.get("MAIL_URL", ""),
                "MAIL_FROM": os.environ.get("MAIL_FROM", "handoff@localhost"),
                "COMPANY_COUNTRY": os.environ.get("COMPANY_COUNTRY", "US"),
                "COMPANY_TIMEZONE": os.environ.get("COMPANY_TIMEZONE", "UTC"),
                "KICKOFF_MINUTES": _int("KICKOFF_MINUTES", 45),
                "KICKOFF_MIN_BUSINESS_DAYS_AFTER_CLOSE": _int(
                    "KICKOFF_MIN_BUSINESS_DAYS_AFTER_CLOSE", 1
                ),
                "KICKOFF_MIN_BUSINESS_DAYS_BEFORE_SHIPMENT": _int(
                    "KICKOFF_MIN_BUSINESS_DAYS_BEFORE_SHIPMENT", 2
                ),
                "KICKOFF_REMINDER_HOURS": _int("KICKOFF_REMINDER_HOURS", 24),
                "SCHEDULER_EMBEDDED": _flag("SCHEDULER_EMBEDDED"),
                "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://localhost:5000"),
                "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 20 * 1024 * 1024),
                "REDIS_URL": os.environ.get("REDIS_URL", ""),
                "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", True),
                **operations_settings(),
            }
        )


def operations_settings() -> dict[str, Any]:
    """Running in production: proxies, logs, metrics, database connections, mail leases."""
    return {
        # How many reverse proxies stand in front; only then is X-Forwarded-* believed.
        "PROXY_HOPS": _int("PROXY_HOPS", 0),
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
        # /metrics answers a bearer of this token; without one, only the machine itself.
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "handoff"),
        # A connection is tested before use, so a restarted database costs no failed request.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAIL_SEND_LEASE_SECONDS": _int("MAIL_SEND_LEASE_SECONDS", 120),
    }

"""gunicorn's own log lines as JSON: the access log (one object per request, with the request id
Handoff echoed) and the error log. `gunicorn.conf.py` names this class as its logger_class."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from typing import Any

from gunicorn import glogging

from app.logs import REQUEST_ID_HEADER, HandoffJsonFormatter, redact


def _response_header(resp: Any, name: str) -> str | None:
    wanted = name.lower()
    for key, value in getattr(resp, "headers", None) or ():
        if key.lower() == wanted:
            return str(value)
    return None


def access_record(resp: Any, environ: dict[str, Any], request_time: timedelta)\
        -> dict[str, Any]:
    """What one access-log line says. No request header is copied (Authorization and cookies
    stay out), and the path and query are redacted (a calendar feed address is a secret)."""
    status = resp.status
    status_code = int(str(status).split(None, 1)[0]) if status else None
    query = environ.get("QUERY_STRING") or ""
    return {
        "request_id": _response_header(resp, REQUEST_ID_HEADER),
        "remote_addr": environ.get("REMOTE_ADDR"),
        "method": environ.get("REQUEST_METHOD"),
        "path": redact(environ.get("PATH_INFO") or ""),
        "query": redact(query) if query else None,
        "status": status_code,
        "bytes": getattr(resp, "sent", None),
        "duration_ms": round(request_time.total_seconds() * 1000, 3),
        "user_agent": (environ.get("HTTP_USER_AGENT") or "")[:300] or None,
        "pid": os.getpid(),
    }


class GunicornLogger(glogging.Logger):
    """gunicorn's logger with JSON lines on both of its logs."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(HandoffJsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any],
               request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        try:
            self.access_log.info("request", extra=access_record(resp, environ, request_time))
        except Exception:  # a log line must never fail a request
            logging.getLogger(__name__).exception("could not write an access log line")

"""gunicorn settings for Handoff: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every setting can be changed from the environment (names below); docs/deploy.md explains the
production layout. Send SIGHUP to reload the workers gracefully (each finishes its requests),
SIGTERM to stop: workers get `graceful_timeout` seconds to finish what they are doing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def _cores() -> int:
    # The cores this process may run on (a container's share), not the machine's count.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


bind = os.environ.get("BIND", "127.0.0.1:8000")
# gunicorn's rule of thumb: two workers a core, plus one to take a request while others wait on
# the database. Each worker holds its own pool of database connections (see docs/deploy.md).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that takes longer than this is stuck; its worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Workers are recycled now and then (not all at once), so a slow leak never builds up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# The heartbeat file lives in memory: a slow disk must not make a healthy worker look dead.
SHARED_MEMORY = Path("/dev/shm")  # noqa: S108 - gunicorn's own advice for its heartbeat files
worker_tmp_dir = str(SHARED_MEMORY) if SHARED_MEMORY.is_dir() else None

# Which proxy may say a request came over TLS is decided by Handoff alone (PROXY_HOPS, with
# werkzeug's ProxyFix), so gunicorn believes no forwarded header itself.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}

# One JSON object a line on both logs, the access log with each request's id.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logger_class = "app.gunicorn_logs.GunicornLogger"

# Metrics of all workers are summed through files in this folder (prometheus_client's
# multiprocess mode). It must be set before a worker imports the app, hence here.
metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or str(
    Path(tempfile.gettempdir()) / f"handoff-metrics-{bind.replace(':', '-').replace('/', '-')}")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir


def on_starting(server: object) -> None:
    """A fresh metrics folder for each start: counts of a previous run are not this run's."""
    shutil.rmtree(metrics_dir, ignore_errors=True)
    Path(metrics_dir).mkdir(parents=True, exist_ok=True)


def child_exit(server: object, worker: object) -> None:
    """A worker that ended (recycled, killed) leaves its counters behind, but not its gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]

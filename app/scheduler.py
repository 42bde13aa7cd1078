"""The scheduler process: APScheduler running thin module-level jobs. The due work lives in the
database, so any number of these processes may run side by side, and a restart loses nothing."""

from __future__ import annotations

import logging
import os
import threading

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 10
_app: Flask | None = None


def send_messages_job() -> None:
    """Send what the outbox holds that is due."""
    assert _app is not None
    from app.extensions import db
    from app.services.briefs import attachment_for
    from app.services.dispatch import send_due_messages

    with _app.app_context():
        try:
            sent = send_due_messages(db.session, attachment_for)
            if sent:
                log.info("sent %d messages", sent)
        finally:
            db.session.remove()


def due_work_job() -> None:
    """Fire reminders, escalations and follow-ups that fell due."""
    assert _app is not None
    from app.extensions import db
    from app.services.dispatch import do_due_work

    with _app.app_context():
        try:
            done = do_due_work(db.session)
            if done:
                log.info("did %d due items", done)
        finally:
            db.session.remove()


def _add_jobs(scheduler: BackgroundScheduler | BlockingScheduler, seconds: int) -> None:
    for job in (due_work_job, send_messages_job):
        scheduler.add_job(job, "interval", seconds=seconds, id=job.__name__,
                          max_instances=1, coalesce=True)


def run_forever(app: Flask, seconds: int = INTERVAL_SECONDS) -> None:
    """`flask scheduler run`: block and run the jobs until stopped."""
    global _app  # noqa: PLW0603 - APScheduler jobs are module-level; they find the app here
    _app = app
    scheduler = BlockingScheduler(timezone="UTC")
    _add_jobs(scheduler, seconds)
    log.info("scheduler running every %ss (pid %s)", seconds, os.getpid())
    scheduler.start()


_started = threading.Lock()


def start_in_background(app: Flask, seconds: int = INTERVAL_SECONDS) -> None:
    """SCHEDULER_EMBEDDED=1: the same jobs inside the development server."""
    global _app  # noqa: PLW0603 - APScheduler jobs are module-level; they find the app here
    # The reloader's parent process serves nothing; only the child runs the jobs.
    if app.debug and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return
    if not _started.acquire(blocking=False):
        return
    _app = app
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    _add_jobs(scheduler, seconds)
    scheduler.start()

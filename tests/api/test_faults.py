"""What a caller sees when things fail midway: a database that does not answer is a 503 with
Retry-After (never a 500), and a retried write with its Idempotency-Key is carried out once —
even when the first attempt died between doing the work and answering."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app import create_app
from app.api import idempotency
from app.services import accounts as accounts_service
from tests.api.builders import NOW, World, assert_problem
from tests.conftest import ON_POSTGRES, app_config

ACME = {"name": "Acme Tools", "external_ref": "CRM-0042", "country": "US",
        "timezone": "America/Chicago"}
NOWHERE = ("postgresql+psycopg://root@127.0.0.1:9/handoff" if ON_POSTGRES
           else "sqlite:////nonexistent-folder/handoff.sqlite3")


def _accounts(world: World) -> int:
    return int(world.sales.get("/api/v1/accounts").json["total"])


def test_a_database_that_does_not_answer_is_a_503_problem_with_retry_after(tmp_path: Path)\
        -> None:
    app = create_app(app_config(NOWHERE, tmp_path / "instance"))
    client = app.test_client()
    bearer = {"Authorization": "Bearer hnd_" + "x" * 43}
    signed_in = app.session_interface.get_signing_serializer(app).dumps(  # type: ignore[attr-defined]
        {"_user_id": "a-session-id", "_fresh": True})
    answers = {
        "a read": client.get("/api/v1/deals", headers=bearer),
        "a write": client.post("/api/v1/accounts", json=ACME,
                               headers={**bearer, "Idempotency-Key": "k-1"}),
    }
    client.set_cookie("session", signed_in)
    answers["a page"] = client.get("/deals")
    for what, response in answers.items():
        body = assert_problem(response, 503)
        assert response.headers["Retry-After"] == "2", what
        assert "Idempotency-Key" in body["detail"], what
    health = client.get("/api/v1/health")
    assert health.status_code == 503 and health.json["database"] == "unreachable"


def test_the_work_and_its_stored_answer_are_kept_or_lost_together(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the work but before its answer is stored leaves no account behind, so
    the retry that follows makes exactly one."""
    store = idempotency._store_answer

    def fail_to_store(*args: Any) -> None:
        raise RuntimeError("the process died here")

    monkeypatch.setattr(idempotency, "_store_answer", fail_to_store)
    assert world.sales.post("/api/v1/accounts", ACME,
                            headers={"Idempotency-Key": "acme-1"}).status_code == 500
    assert _accounts(world) == 0

    monkeypatch.setattr(idempotency, "_store_answer", store)
    retry = world.sales.post("/api/v1/accounts", ACME, headers={"Idempotency-Key": "acme-1"})
    assert retry.status_code == 201, retry.json
    assert _accounts(world) == 1


def test_a_claim_left_by_a_request_that_died_is_taken_over_by_its_retry(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first attempt dies inside its service, before it can release its key (as a worker
    killed with SIGKILL does). Its work died with it, so the retry does the work, once."""
    create = accounts_service.create_account

    def die(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("killed")

    monkeypatch.setattr(accounts_service, "create_account", die)
    monkeypatch.setattr(idempotency, "_forget", lambda *args: None)
    assert world.sales.post("/api/v1/accounts", ACME,
                            headers={"Idempotency-Key": "acme-2"}).status_code == 500
    monkeypatch.setattr(accounts_service, "create_account", create)

    if not ON_POSTGRES:
        # Without row locks a fresh claim may be a request still running: it waits its time.
        early = world.sales.post("/api/v1/accounts", ACME, headers={"Idempotency-Key": "acme-2"})
        assert_problem(early, 409)
        world.app.config["NOW"] = lambda: NOW + idempotency.ABANDONED_AFTER + timedelta(
            seconds=1)
    retry = world.sales.post("/api/v1/accounts", ACME, headers={"Idempotency-Key": "acme-2"})
    assert retry.status_code == 201, retry.json
    again = world.sales.post("/api/v1/accounts", ACME, headers={"Idempotency-Key": "acme-2"})
    assert again.json == retry.json and again.headers["Idempotent-Replayed"] == "true"
    assert _accounts(world) == 1


@pytest.mark.skipif(not ON_POSTGRES, reason="cuts PostgreSQL connections; CI runs this file in "
                    "its PostgreSQL pass")
def test_connections_cut_by_a_database_restart_cost_no_failed_request(world: World) -> None:
    from sqlalchemy import create_engine, text

    db_url = world.app.config["SQLALCHEMY_DATABASE_URI"]
    assert world.sales.get("/api/v1/accounts").status_code == 200  # a pooled connection
    killer = create_engine(db_url)
    try:
        with killer.begin() as conn:
            cut = conn.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    finally:
        killer.dispose()
    assert cut >= 1
    assert world.sales.get("/api/v1/accounts").status_code == 200
    made = world.sales.post("/api/v1/accounts", ACME, headers={"Idempotency-Key": "after-cut"})
    assert made.status_code == 201, made.json


def test_a_connection_lost_while_a_request_closes_its_session_spoils_no_answer(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database restarts after the answer is made, while the session is being closed."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    close = Session.close
    lost: list[bool] = []

    def close_on_a_dropped_connection(self: Session) -> None:
        close(self)
        if not lost:
            lost.append(True)
            raise OperationalError("ROLLBACK", {}, Exception("server closed the connection"))

    monkeypatch.setattr(Session, "close", close_on_a_dropped_connection)
    answer = world.sales.get("/api/v1/accounts")
    assert lost and answer.status_code == 200 and answer.json["total"] == 0
    assert world.sales.get("/api/v1/accounts").status_code == 200

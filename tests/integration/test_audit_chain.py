"""The audit log is evidence: the database refuses edits, and an edit made behind the service's
back (by someone who can switch the guards off) is found and named by verify."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from tests.api.builders import make_deal, make_products, make_world
from tests.conftest import ON_POSTGRES


@pytest.fixture
def world(app, client):
    world = make_world(app, client)
    make_products(world)
    deal = make_deal(world)
    signed = world.sales.post(f"/api/v1/deals/{deal['id']}/signatures", {
        "version": 1, "signer": {"contact_id": deal["contact_ids"][0]}, "typed_name": "Jane Buyer",
        "decisions": [{"option": "extended_warranty", "decision": "decline"}]})
    assert signed.status_code == 201, signed.json
    return world


def _behind_the_services_back(app, sql: str, **params) -> None:
    with app.app_context(), db.engine.begin() as conn:
        if ON_POSTGRES:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for action in ("update", "delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS audit_events_no_{action}"))
        conn.execute(text(sql), params)


def test_an_untouched_log_verifies(world):
    response = world.manager.get("/api/v1/audit/verify")
    assert response.status_code == 200
    assert response.json["ok"] is True
    assert response.json["events"] > 10
    assert len(response.json["head"]) == 64


def test_editing_an_event_makes_verify_name_that_event(world, app):
    _behind_the_services_back(app, "UPDATE audit_events SET action = 'deal.forgotten' "
                                   "WHERE seq = 5")
    body = world.manager.get("/api/v1/audit/verify").json
    assert body["ok"] is False
    assert body["first_bad_event"] == 5
    assert "hash" in body["reason"]


def test_deleting_an_event_makes_verify_name_the_gap(world, app):
    _behind_the_services_back(app, "DELETE FROM audit_events WHERE seq = 7")
    body = world.manager.get("/api/v1/audit/verify").json
    assert body["ok"] is False
    assert body["first_bad_event"] == 7


def test_cutting_off_the_newest_events_is_noticed(world, app):
    _behind_the_services_back(app, "DELETE FROM audit_events WHERE seq > 10")
    body = world.manager.get("/api/v1/audit/verify").json
    assert body["ok"] is False
    assert body["first_bad_event"] == 11


def test_flask_audit_verify_exits_1_naming_the_bad_event(world, app):
    _behind_the_services_back(app, "UPDATE audit_events SET data = '{}' WHERE seq = 3")
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "event 3" in result.output


def test_flask_audit_head_prints_the_head_hash(world, app):
    head = world.manager.get("/api/v1/audit/verify").json["head"]
    result = app.test_cli_runner().invoke(args=["audit", "head"])
    assert result.exit_code == 0
    assert result.output.strip() == head


@pytest.mark.parametrize("table", ["audit_events", "terms_versions", "terms", "signatures"])
@pytest.mark.parametrize("statement", ["UPDATE {t} SET id = id", "DELETE FROM {t}"])
def test_the_database_refuses_to_change_permanent_records(world, app, table, statement):
    with app.app_context(), pytest.raises(DBAPIError, match="permanent"), db.engine.begin() as c:
        c.execute(text(statement.format(t=table)))


@pytest.mark.skipif(not ON_POSTGRES, reason="TRUNCATE exists on PostgreSQL only")
def test_postgresql_refuses_to_truncate_the_audit_log(world, app):
    with app.app_context(), pytest.raises(DBAPIError, match="permanent"), db.engine.begin() as c:
        c.execute(text("TRUNCATE audit_events"))

"""The command line a person or a deployment script uses."""

from __future__ import annotations

from app.extensions import db
from app.services.users import user_for_token


def test_users_create_with_token_prints_a_working_token_alone_on_the_last_line(app):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "ana@seller.example", "--name", "Ana Seller", "--role", "sales",
        "--role", "manager", "--token"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    with app.app_context():
        user = user_for_token(db.session, token)
        assert user is not None
        assert user.roles == ["sales", "manager"]
    response = app.test_client().get("/api/v1/deals", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_users_create_refuses_an_unknown_role_and_creates_nobody(app):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "x@seller.example", "--name", "X", "--role", "wizard"])
    assert result.exit_code == 2
    assert "roles" in result.output
    with app.app_context():
        from sqlalchemy import func, select

        from app.db.models import User

        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_demo_load_makes_deals_in_every_state_and_a_verifiable_log(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "5 deals, 12 orders" in result.output
    client = app.test_client()
    token = result.output.strip().splitlines()[-1].split()[-1]
    auth = {"Authorization": f"Bearer {token}"}
    deals = client.get("/api/v1/deals", headers=auth).json["items"]
    states = {d["kickoff_status"] for d in deals}
    assert {"scheduled", "unscheduled", "held"} <= states
    versions = [d["terms_version"] for d in deals]
    assert max(versions) == 2
    waiting = client.get("/api/v1/orders?waiting=true", headers=auth).json
    assert {"flagged", "blocked"} <= {o["status"] for o in waiting["items"]}
    assert client.get("/api/v1/audit/verify", headers=auth).json["ok"] is True
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "nothing loaded" in again.output

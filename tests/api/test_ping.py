"""The constant liveness answer: up while the database is not."""

from __future__ import annotations

from pathlib import Path

from app import create_app
from tests.conftest import app_config


def test_ping_answers_without_a_token(client):
    response = client.get("/api/v1/ping")

    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_ping_answers_while_the_database_does_not(tmp_path: Path):
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/handoff?connect_timeout=1"
    client = create_app(app_config(unreachable, tmp_path / "instance")).test_client()

    assert client.get("/api/v1/health").status_code == 503
    assert client.get("/api/v1/ping").json == {"status": "ok"}

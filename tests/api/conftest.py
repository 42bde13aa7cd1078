"""Fixtures of the HTTP-contract tests.

Tests that only read, or that
must leave the data as it was, share one world per module: building it once keeps the role
matrix and the bad-input table fast.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app import create_app
from app.extensions import db
from tests.api.builders import NOW, Caller, World, make_shared_world, make_world
from tests.conftest import ON_POSTGRES, _fresh_postgres, app_config


@pytest.fixture(scope="session")
def world_template(database_url: str, tmp_path_factory: pytest.TempPathFactory)\
        -> tuple[Path, dict[str, tuple[str, int]]] | None:
    """On SQLite, the people of `make_world` built once: a database file to copy, and each
    role's token and user id. (PostgreSQL builds them afresh for each test.)"""
    if ON_POSTGRES:
        return None
    folder = tmp_path_factory.mktemp("world")
    path = folder / "world.sqlite3"
    shutil.copyfile(database_url.removeprefix("sqlite:///"), path)
    app = create_app(app_config(f"sqlite:///{path}", folder / "instance"))
    built = make_world(app, app.test_client())
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return path, {role: (str(c.token), int(c.user_id or 0)) for role, c in built.callers.items()}


@pytest.fixture
def world(database_url: str, world_template: tuple[Path, dict[str, tuple[str, int]]] | None,
          tmp_path: Path) -> Iterator[World]:
    """A database of its own holding one person per role, each with a token; nothing else.

    Tests that take `world` use `world.app` and `world.client`, not the `app` fixture."""
    if world_template is None:
        _fresh_postgres(database_url)
        url = database_url
    else:
        url = f"sqlite:///{tmp_path / 'handoff.sqlite3'}"
        shutil.copyfile(world_template[0], tmp_path / "handoff.sqlite3")
    app = create_app(app_config(url, tmp_path / "instance"))
    client = app.test_client()
    if world_template is None:
        built = make_world(app, client)
    else:
        built = World(app, client)
        app.config["NOW"] = lambda: NOW
        for role, (token, user_id) in world_template[1].items():
            built.callers[role] = Caller(client, token, user_id)
            built.ids[role] = user_id
    yield built
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def module_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app and database for a whole module. A module using it must not also use `app`: on
    PostgreSQL both are the same database."""
    folder: Path = tmp_path_factory.mktemp("shared")
    if ON_POSTGRES:
        _fresh_postgres(database_url)
        url = database_url
    else:
        path = folder / "handoff.sqlite3"
        shutil.copyfile(database_url.removeprefix("sqlite:///"), path)
        url = f"sqlite:///{path}"
    app = create_app(app_config(url, folder / "instance"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def shared(module_app: Flask) -> World:
    """People, catalog, two accounts with a contact each, and the SPEC's deal at version 2."""
    return make_shared_world(module_app, module_app.test_client())

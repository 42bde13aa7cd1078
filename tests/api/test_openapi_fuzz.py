"""Schemathesis against the API's own OpenAPI document, in-process through the WSGI app.

What it covers: every operation of `/api/v1/openapi.json`, called as each role (admin, manager,
sales, account_manager, fulfillment) on a seeded database (people, catalog, two accounts, the
SPEC's deal at version 2 with a signature), with requests generated from the document — valid
ones and, in equal measure, invalid ones (wrong types, missing fields, out-of-range values,
strings with odd characters) — and every default check of schemathesis: no server error, every
status documented, the documented content type, a body that conforms to the documented schema
(problem details for every error), documented headers, invalid data refused, valid data not
refused, a 401 when the token is missing or wrong, and 405 for undocumented methods.

Valid data may still be refused for reasons no schema can state — an id that names no record,
a first shipment before the close, a stale If-Match — so `positive_data_acceptance` also
accepts 412, 422 and 428, and 405 from the records that are never changed
(docs/decisions.md).

Deterministic: Hypothesis is derandomized (the same cases every run, no example database) and
bounded to MAX_EXAMPLES cases per operation and role, which keeps the run to a minute or two.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from sqlalchemy import select

from app import create_app
from app.db.models import ApiToken
from app.extensions import db
from app.services.users import hash_token, issue_token
from tests.api.builders import World, make_shared_world
from tests.conftest import app_config

FUZZED_ROLES = ("admin", "manager", "sales", "account_manager", "fulfillment")
MAX_EXAMPLES = 12

CONFIG = schemathesis.Config.from_dict({
    "generation": {"mode": "all", "deterministic": True, "database": "none",
                   "max-examples": MAX_EXAMPLES},
    "checks": {"positive_data_acceptance": {
        "expected-statuses": ["2xx", "401", "403", "404", "405", "409", "412", "422", "428"]}},
    # A batch is any text: each row that cannot be read is reported in the 200 answer while the
    # rest are checked, so there is no invalid body to refuse; its uploads are fuzzed as valid.
    "operations": [{"include-path": "/api/v1/orders/check-batch",
                    "generation": {"mode": "positive"}}],
})


@pytest.fixture(scope="module")
def fuzz_world(module_app) -> World:  # type: ignore[no-untyped-def]
    return make_shared_world(module_app, module_app.test_client())


def _document_app() -> Flask:
    """An app that only serves the document (its database is never touched): the schema is
    read when the module is collected; the calls go to the seeded app of `fuzz_world`."""
    folder = Path(tempfile.mkdtemp(prefix="handoff-openapi-"))
    return create_app(app_config(f"sqlite:///{folder / 'unused.sqlite3'}", folder / "instance"))


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _document_app(), config=CONFIG)


@schemathesis.serializer("text/csv", "application/x-ndjson", "text/calendar")
def as_text(ctx, value):  # type: ignore[no-untyped-def]
    """Uploads documented as text are sent as the generated text, UTF-8 encoded."""
    return value.encode("utf-8") if isinstance(value, str) else str(value).encode("utf-8")


def token_of(world: World, role: str) -> str:
    """The role's token; issued anew if a fuzzed request revoked it."""
    caller = world.callers[role]
    assert caller.token is not None and caller.user_id is not None
    with world.app.app_context():
        row = db.session.scalar(select(ApiToken).where(
            ApiToken.token_hash == hash_token(caller.token)))
        if row is None or row.revoked_at is not None:
            caller.token = issue_token(db.session, None, caller.user_id, "fuzz").secret
    return caller.token


def auth_headers(case, token: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The role's real token in place of the generated one — unless the headers are the part
    of the case made invalid (a missing or malformed Authorization among them): then they go
    as generated, and the API must refuse them rather than have the test repair them."""
    header = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    if header is not None and header.mode.is_negative:
        return {}
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("role", FUZZED_ROLES)
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_openapi_document_says(case, fuzz_world: World, role: str):
    token = token_of(fuzz_world, role)
    case.call_and_validate(app=fuzz_world.app, headers=auth_headers(case, token))

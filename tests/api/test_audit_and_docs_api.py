"""The audit log and its verification, health, and the API's own documentation."""

from __future__ import annotations

import itertools
import re

from sqlalchemy import text

from app.extensions import db
from tests.api.builders import World, assert_problem, make_deal, stored_counts
from tests.conftest import ON_POSTGRES

PAGE_KEYS = {"items", "page", "per_page", "total", "pages"}


def test_health_answers_without_a_token(world: World):
    response = world.anonymous.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_the_audit_log_is_a_page_of_events_newest_first(world: World):
    deal = make_deal(world)

    body = world.manager.get("/api/v1/audit?per_page=5").json

    assert set(body) == PAGE_KEYS and body["per_page"] == 5
    seqs = [e["seq"] for e in body["items"]]
    assert seqs == sorted(seqs, reverse=True) and seqs[0] == body["total"]
    closing = world.manager.get(f"/api/v1/audit?entity=deal&entity_id={deal['id']}").json
    actions = [e["action"] for e in closing["items"]]
    assert "deal.closed" in actions and "terms.version_created" in actions
    assert all(e["actor_id"] == world.ids["sales"] for e in closing["items"]
               if e["action"] == "deal.closed")


def test_every_event_links_to_the_one_before_it(world: World):
    make_deal(world)

    items = world.admin.get("/api/v1/audit?per_page=200").json["items"]

    for newer, older in itertools.pairwise(items):
        assert newer["prev_hash"] == older["hash"]
    assert items[-1]["prev_hash"] == "0" * 64


def test_one_event_is_read_by_its_number_and_an_unknown_one_is_404(world: World):
    make_deal(world)
    newest = world.admin.get("/api/v1/audit?per_page=1").json["items"][0]

    assert world.admin.get(f"/api/v1/audit/{newest['seq']}").json == newest
    assert_problem(world.admin.get("/api/v1/audit/99999"), 404)


def test_an_audit_event_is_never_changed_or_deleted(world: World):
    make_deal(world)
    before = stored_counts(world)

    for response in (world.admin.put("/api/v1/audit/1", {"action": "nothing"}),
                     world.admin.patch("/api/v1/audit/1", {"action": "nothing"}),
                     world.admin.delete("/api/v1/audit/1"),
                     world.admin.delete("/api/v1/audit")):
        assert_problem(response, 405)
        assert "GET" in response.headers["Allow"]

    assert stored_counts(world) == before


def test_the_verification_of_an_untouched_log_is_ok(world: World):
    make_deal(world)
    total = world.admin.get("/api/v1/audit").json["total"]
    newest = world.admin.get("/api/v1/audit?per_page=1").json["items"][0]

    body = world.manager.get("/api/v1/audit/verify").json

    assert body == {"ok": True, "events": total, "head": newest["hash"]}
    assert re.fullmatch(r"[0-9a-f]{64}", body["head"])


def test_the_verification_names_the_first_event_that_was_tampered_with(world: World):
    make_deal(world)
    total = world.admin.get("/api/v1/audit").json["total"]
    with world.app.app_context():
        # The append-only triggers refuse this; someone with the database's keys could still
        # turn them off, which is what the hash chain is there to catch.
        if ON_POSTGRES:
            db.session.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            db.session.execute(text("DROP TRIGGER audit_events_no_update"))
        db.session.execute(text("UPDATE audit_events SET action = 'deal.nothing' WHERE seq = 3"))
        db.session.commit()

    body = world.manager.get("/api/v1/audit/verify").json

    assert body["ok"] is False
    assert body["first_bad_event"] == 3
    assert body["events"] == total, "as in the SPEC: the size of the whole log"
    assert body["reason"]


def test_the_openapi_document_describes_the_api(world: World):
    response = world.anonymous.get("/api/v1/openapi.json")

    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/deals", "/api/v1/deals/{deal_id}/amendments",
                 "/api/v1/deals/{deal_id}/signatures", "/api/v1/users/{user_id}/busy",
                 "/api/v1/products", "/api/v1/standard-terms", "/api/v1/audit/verify"):
        assert path in spec["paths"], path
    assert "post" in spec["paths"]["/api/v1/deals"]


def test_the_docs_page_loads_without_any_outside_cdn(world: World):
    response = world.anonymous.get("/api/v1/docs")

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    sources = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page)
    assert sources, "the page loads its scripts and styles from somewhere"
    assert not [s for s in sources if re.match(r"(https?:)?//", s)], sources
    assert "cdn" not in page.lower()
    for source in sources:
        if source.startswith("/api/v1/docs-assets/"):
            assert world.anonymous.get(source).status_code == 200, source

"""Two changes sent with the same ETag at the same moment, from two workers: one is made, the
other is refused as stale (412). Neither is a server error, and there is no second version n+1."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest

from app.services import record
from tests.api.builders import World, etag_of, make_deal, make_products, make_world


def _amendment(text: str) -> dict[str, Any]:
    return {"reason": "Agreed by phone", "effective_from": "2026-12-01",
            "add": [{"kind": "clause", "params": {"text": text, "review_on_order": False}}],
            "replace": [], "remove": []}


def test_two_amendments_from_the_same_etag_make_one_version(app, client,
                                                            monkeypatch: pytest.MonkeyPatch):
    world: World = make_world(app, client)
    make_products(world)
    deal = make_deal(world)
    tag = etag_of(world, deal["id"])
    # Each amendment waits for the other once it has read the deal, so both read the same
    # revision unless the first to read holds the deal until it commits.
    both_read = threading.Barrier(2)
    newest = record.latest_version

    def wait_for_the_other(*args: Any) -> Any:
        with contextlib.suppress(threading.BrokenBarrierError):  # the other never came
            both_read.wait(timeout=3)
        return newest(*args)

    monkeypatch.setattr(record, "latest_version", wait_for_the_other)
    answers: list[Any] = []

    def amend(text: str) -> None:
        with app.app_context():  # a session of its own, as in another worker
            answers.append(world.sales.post(f"/api/v1/deals/{deal['id']}/amendments",
                                            _amendment(text), headers={"If-Match": tag}))

    threads = [threading.Thread(target=amend, args=(f"clause {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(a.status_code for a in answers) == [201, 412], [a.json for a in answers]
    versions = world.manager.get(f"/api/v1/deals/{deal['id']}/terms/versions").json
    numbers = [v["number"] for v in versions["items"]] if isinstance(versions, dict) \
        else [v["number"] for v in versions]
    assert sorted(numbers) == [1, 2]

"""Each new kickoff is scheduled against people's calendars as they are now: their other
kickoffs, busy time added since the last one, and working hours as last set (compiled hours are
reused only while they stay the same)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db.models import OutboxMessage, User
from app.extensions import db
from app.services.kickoffs import working_hours_of
from tests.api.builders import deal_body, make_account, make_contact, make_products, make_world

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
MONDAY = "2026-11-23"  # the first business day after the Friday-evening close of the builders


@pytest.fixture
def world(app, client):
    world = make_world(app, client)
    make_products(world)
    account = make_account(world)
    world.ids["account"] = account["id"]
    world.ids["contact"] = make_contact(world, account["id"])["id"]
    return world


def close(world, n: int) -> dict:
    response = world.sales.post("/api/v1/deals", deal_body(
        world, world.ids["account"], [world.ids["contact"]], external_ref=f"OPP-{n}",
        title=f"Deal {n}"))
    assert response.status_code == 201, response.json
    return response.json


def kickoff_of(world, deal: dict) -> dict:
    return world.sales.get(f"/api/v1/deals/{deal['id']}/kickoff").json


def set_hours(world, role: str, opens: str, closes: str) -> None:
    response = world.callers[role].put(f"/api/v1/users/{world.ids[role]}/availability", {
        "timezone": "America/Chicago", "country": "US",
        "working_hours": {day: [[opens, closes]] for day in WEEKDAYS}})
    assert response.status_code == 200, response.json


def test_a_second_deal_with_the_same_people_gets_the_slot_after_the_first_kickoff(world):
    # Monday 17:00 UTC is the earliest start and inside everyone's 08:00-18:00.
    first = close(world, 1)["kickoff"]
    second = close(world, 2)["kickoff"]

    assert first["start"] == f"{MONDAY}T17:00:00+00:00"
    assert second["start"] == first["end"] == f"{MONDAY}T17:45:00+00:00"


def test_busy_time_added_after_a_kickoff_is_avoided_by_the_next_one(world):
    first = close(world, 1)
    response = world.fulfillment.post(f"/api/v1/users/{world.ids['fulfillment']}/busy", {
        "blocks": [{"start": f"{MONDAY}T17:45:00Z", "end": f"{MONDAY}T20:00:00Z",
                    "label": "Warehouse audit"}]})
    assert response.status_code == 201, response.json

    second = close(world, 2)["kickoff"]

    assert kickoff_of(world, first)["start"] == first["kickoff"]["start"]  # not broken
    assert second["start"] == f"{MONDAY}T20:00:00+00:00"


def test_working_hours_changed_after_a_kickoff_are_used_by_the_next_one(world):
    first = close(world, 1)
    # The account manager (Chicago) now starts at 13:00, 19:00 UTC: the first kickoff at
    # 17:00 UTC no longer fits and moves, and the next deal queues up behind it.
    set_hours(world, "account_manager", "13:00", "18:00")

    second = close(world, 2)["kickoff"]

    moved = kickoff_of(world, first)
    assert moved["start"] == f"{MONDAY}T19:00:00+00:00"
    assert second["start"] == f"{MONDAY}T19:45:00+00:00"


def test_working_hours_set_back_are_used_again(world):
    set_hours(world, "account_manager", "13:00", "18:00")
    set_hours(world, "account_manager", "08:00", "18:00")

    assert close(world, 1)["kickoff"]["start"] == f"{MONDAY}T17:00:00+00:00"


def test_compiled_working_hours_follow_the_hours_on_record():
    person = User(working_hours={day: [["09:00", "17:00"]] for day in WEEKDAYS})
    nine_to_five = working_hours_of(person)
    assert working_hours_of(person) is nine_to_five  # unchanged hours are not parsed again

    person.working_hours = {day: [["10:00", "16:00"]] for day in WEEKDAYS}
    changed = working_hours_of(person)

    assert changed is not nine_to_five
    assert [(t.hour, u.hour) for t, u in changed["mon"]] == [(10, 16)]
    assert [(t.hour, u.hour) for t, u in nine_to_five["mon"]] == [(9, 17)]


def notices(world) -> int:
    with world.app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                     .where(OutboxMessage.kind == "notice")) or 0)


def test_hours_that_open_a_slot_schedule_a_kickoff_that_was_at_risk(world):
    set_hours(world, "account_manager", "08:00", "09:00")  # 14:00-15:00 UTC: nobody else works
    deal = close(world, 1)
    assert deal["kickoff"]["status"] == "unscheduled"

    set_hours(world, "account_manager", "08:00", "18:00")

    kickoff = kickoff_of(world, deal)
    assert kickoff["status"] == "scheduled" and kickoff["start"] == f"{MONDAY}T17:00:00+00:00"
    assert kickoff["sequence"] == deal["kickoff"]["sequence"] + 1


def test_busy_time_that_leaves_a_kickoff_at_risk_does_not_tell_the_managers_again(world):
    set_hours(world, "account_manager", "08:00", "09:00")
    at_risk = close(world, 1)
    told = notices(world)
    assert told > 0

    response = world.account_manager.post(
        f"/api/v1/users/{world.ids['account_manager']}/busy",
        {"blocks": [{"start": f"{MONDAY}T14:00:00Z", "end": f"{MONDAY}T15:00:00Z"}]})

    assert response.status_code == 201, response.json
    kickoff = kickoff_of(world, at_risk)
    assert kickoff["status"] == "unscheduled"
    assert kickoff["sequence"] == at_risk["kickoff"]["sequence"]
    assert notices(world) == told


def test_a_week_of_busy_time_puts_the_kickoff_at_the_first_free_hour_after_it(world):
    # The fulfillment lead is away all week: the slot lies past the first days a search looks
    # at first, and is still the earliest one (Monday 16:00 UTC, when Los Angeles opens).
    response = world.fulfillment.post(f"/api/v1/users/{world.ids['fulfillment']}/busy", {
        "blocks": [{"start": f"{MONDAY}T00:00:00Z", "end": "2026-11-28T00:00:00Z",
                    "label": "Trade fair"}]})
    assert response.status_code == 201, response.json

    assert close(world, 1)["kickoff"]["start"] == "2026-11-30T16:00:00+00:00"


def test_busy_time_moves_only_the_kickoff_it_overlaps(world):
    first, second = close(world, 1), close(world, 2)
    response = world.account_manager.post(
        f"/api/v1/users/{world.ids['account_manager']}/busy",
        {"blocks": [{"start": f"{MONDAY}T18:00:00Z", "end": f"{MONDAY}T18:15:00Z"}]})
    assert response.status_code == 201, response.json

    kept, moved = kickoff_of(world, first), kickoff_of(world, second)
    assert kept["start"] == f"{MONDAY}T17:00:00+00:00"
    assert kept["sequence"] == first["kickoff"]["sequence"]
    assert moved["start"] == f"{MONDAY}T18:15:00+00:00"
    assert moved["sequence"] == second["kickoff"]["sequence"] + 1

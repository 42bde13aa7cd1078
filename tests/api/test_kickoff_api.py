"""The kickoff as its attendees see it: state, moving it, recording it held, its invitation and
each person's calendar feed."""

from __future__ import annotations

from datetime import datetime

import pytest
from icalendar import Calendar

from tests.api.builders import make_deal, make_products, make_world


@pytest.fixture
def world(app, client):
    world = make_world(app, client)
    make_products(world)
    return world


@pytest.fixture
def deal(world):
    return make_deal(world)


def test_the_kickoff_has_the_spec_shape_in_utc(world, deal):
    kickoff = world.account_manager.get(f"/api/v1/deals/{deal['id']}/kickoff").json

    assert kickoff["status"] == "scheduled"
    for moment in ("start", "end", "earliest", "deadline"):
        assert datetime.fromisoformat(kickoff[moment]).utcoffset().total_seconds() == 0
    assert (datetime.fromisoformat(kickoff["end"])
            - datetime.fromisoformat(kickoff["start"])).total_seconds() == 45 * 60
    assert datetime.fromisoformat(kickoff["start"]).minute % 15 == 0
    required = [a for a in kickoff["attendees"] if a["required"]]
    optional = [a for a in kickoff["attendees"] if not a["required"]]
    assert {a["user_id"] for a in required} == {world.ids["sales"], world.ids["account_manager"],
                                                world.ids["fulfillment"]}
    assert [a["email"] for a in optional] == ["jane@acme.example"]
    agenda = " ".join(kickoff["agenda"])
    assert "Extended warranty" in agenda and "Customer logo on every carton" in agenda


def test_the_kickoff_lands_after_the_weekend_in_everyones_hours(world, deal):
    # Closed on Friday 17:00 UTC: one business day later is Monday 17:00 UTC, which is inside
    # everyone's 08:00-18:00 (Los Angeles 09:00, Chicago 11:00).
    assert deal["kickoff"]["earliest"] == "2026-11-23T17:00:00+00:00"
    assert deal["kickoff"]["start"] == "2026-11-23T17:00:00+00:00"


def test_rescheduling_without_a_start_takes_the_next_free_slot(world, deal):
    moved = world.sales.post(f"/api/v1/deals/{deal['id']}/kickoff/reschedule", {})

    assert moved.status_code == 200, moved.json
    assert moved.json["start"] >= deal["kickoff"]["end"]
    assert moved.json["sequence"] == deal["kickoff"]["sequence"] + 1


def test_a_start_off_the_quarter_hour_is_refused_naming_start(world, deal):
    refused = world.sales.post(f"/api/v1/deals/{deal['id']}/kickoff/reschedule",
                               {"start": "2026-11-24T17:10:00Z"})

    assert refused.status_code == 422
    assert "start" in refused.json["errors"]
    assert world.sales.get(f"/api/v1/deals/{deal['id']}/kickoff").json["start"] == \
        deal["kickoff"]["start"]


def test_a_start_outside_someones_hours_is_refused(world, deal):
    # 03:00 UTC is the night before in Los Angeles and Chicago.
    refused = world.sales.post(f"/api/v1/deals/{deal['id']}/kickoff/reschedule",
                               {"start": "2026-11-25T03:00:00Z"})

    assert refused.status_code == 422
    assert "start" in refused.json["errors"]


def test_a_given_start_that_suits_everyone_is_taken(world, deal):
    moved = world.sales.post(f"/api/v1/deals/{deal['id']}/kickoff/reschedule",
                             {"start": "2026-11-24T18:00:00Z"})

    assert moved.status_code == 200, moved.json
    assert moved.json["start"] == "2026-11-24T18:00:00+00:00"


def test_the_account_manager_records_the_kickoff_held_and_it_is_audited(world, deal):
    held = world.account_manager.post(f"/api/v1/deals/{deal['id']}/kickoff/held", {
        "held_at": "2026-11-20T17:30:00Z", "minutes": "Walked through every term."})

    assert held.status_code == 200, held.json
    assert held.json["status"] == "held"
    assert held.json["minutes"] == "Walked through every term."
    events = world.manager.get(f"/api/v1/audit?entity=deal&entity_id={deal['id']}").json
    assert "kickoff.held" in [e["action"] for e in events["items"]]
    again = world.account_manager.post(f"/api/v1/deals/{deal['id']}/kickoff/held", {})
    assert again.status_code == 422


def test_fulfillment_cannot_record_the_kickoff_held(world, deal):
    assert world.fulfillment.post(f"/api/v1/deals/{deal['id']}/kickoff/held", {}
                                  ).status_code == 403


def test_the_invitation_downloads_as_icalendar(world, deal):
    response = world.account_manager.get(f"/api/v1/deals/{deal['id']}/kickoff.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(cal.walk("VEVENT")[0]["UID"]) == deal["kickoff"]["uid"]


def test_each_person_subscribes_to_their_own_feed_of_kickoffs_and_promises(world, deal):
    me = world.account_manager.get(f"/api/v1/users/{world.ids['account_manager']}").json
    world.account_manager.post(f"/api/v1/deals/{deal['id']}/notes", {
        "channel": "call", "text": "Promised artwork",
        "promises": [{"text": "Send carton artwork proof", "due": "2026-12-01"}]})

    feed = world.anonymous.get(me["calendar_feed"])

    assert feed.status_code == 200
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries == ["Due: Send carton artwork proof", "Kickoff: Acme Tools — Acme 2027 supply"]
    other = world.manager.get(f"/api/v1/users/{world.ids['account_manager']}").json
    assert "calendar_feed" not in other
    assert world.anonymous.get("/api/v1/calendar/not-a-token.ics").status_code == 404


def test_an_impossible_window_leaves_the_deal_at_risk(world):
    # Shipping next Monday leaves no business day between the close and the deadline.
    deal = make_deal(world, first_shipment_date="2026-11-24")

    assert deal["kickoff"]["status"] == "unscheduled"
    assert deal["kickoff_at_risk"] is True
    at_risk = world.manager.get("/api/v1/deals?kickoff=at_risk").json
    assert [d["id"] for d in at_risk["items"]] == [deal["id"]]

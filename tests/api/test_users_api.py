"""Users, their API tokens, working hours and busy time, as the SPEC's examples send them."""

from __future__ import annotations

import io

from tests.api.builders import (
    PROBLEM_JSON,
    Caller,
    World,
    assert_problem,
    make_deal,
    stored_counts,
)

ANA = {"email": "ana2@seller.example", "name": "Ana Seller", "roles": ["sales"],
       "timezone": "America/Los_Angeles", "country": "US"}


def test_an_admin_creates_a_user_as_in_the_spec_example(world: World):
    response = world.admin.post("/api/v1/users", {**ANA, "password": "correct horse battery"})

    assert response.status_code == 201, response.json
    body = response.json
    assert isinstance(body["id"], int)
    assert {k: body[k] for k in ANA} == ANA
    assert body["active"] is True
    assert "password" not in body and "password_hash" not in body


def test_a_second_user_with_the_same_email_is_a_conflict_and_nothing_is_stored(world: World):
    assert world.admin.post("/api/v1/users", ANA).status_code == 201
    before = stored_counts(world)

    response = world.admin.post("/api/v1/users", {**ANA, "email": "ANA2@seller.example"})

    assert_problem(response, 409, "email")
    assert stored_counts(world) == before


def test_an_admin_issues_a_token_that_is_shown_once_and_signs_the_user_in(world: World):
    user = world.admin.post("/api/v1/users", ANA).json

    response = world.admin.post(f"/api/v1/users/{user['id']}/tokens", {"label": "laptop"})

    assert response.status_code == 201, response.json
    token = response.json["token"]
    assert token and response.json["label"] == "laptop"
    as_ana = Caller(world.client, token, user["id"])
    assert as_ana.get("/api/v1/deals").status_code == 200
    shown_later = as_ana.get(f"/api/v1/users/{user['id']}").get_data(as_text=True)
    assert token not in shown_later


def test_a_user_issues_a_token_for_themself(world: World):
    response = world.sales.post(f"/api/v1/users/{world.ids['sales']}/tokens", {})

    assert response.status_code == 201, response.json
    second = Caller(world.client, response.json["token"], world.ids["sales"])
    assert second.get(f"/api/v1/users/{world.ids['sales']}").json["email"] == "ana@seller.example"


def test_a_revoked_token_stops_working_at_once(world: World):
    issued = world.sales.post(f"/api/v1/users/{world.ids['sales']}/tokens", {}).json
    second = Caller(world.client, issued["token"], world.ids["sales"])
    assert second.get("/api/v1/deals").status_code == 200

    response = world.sales.delete(f"/api/v1/users/{world.ids['sales']}/tokens/{issued['id']}")

    assert response.status_code == 204
    refused = second.get("/api/v1/deals")
    assert_problem(refused, 401)
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert world.sales.get("/api/v1/deals").status_code == 200, "the other token still works"


def test_revoking_a_token_twice_changes_nothing_the_second_time(world: World):
    issued = world.sales.post(f"/api/v1/users/{world.ids['sales']}/tokens", {}).json
    path = f"/api/v1/users/{world.ids['sales']}/tokens/{issued['id']}"
    assert world.sales.delete(path).status_code == 204
    before = stored_counts(world)

    assert world.sales.delete(path).status_code == 204
    assert stored_counts(world) == before


def test_a_token_is_revoked_only_through_its_own_user(world: World):
    issued = world.sales.post(f"/api/v1/users/{world.ids['sales']}/tokens", {}).json

    response = world.admin.delete(f"/api/v1/users/{world.ids['manager']}/tokens/{issued['id']}")

    assert_problem(response, 404)
    assert Caller(world.client, issued["token"], None).get("/api/v1/deals").status_code == 200


def test_a_request_without_a_token_or_with_an_unknown_one_is_401_problem_details(world: World):
    for caller in (world.anonymous, Caller(world.client, "hnd_not-a-real-token", None)):
        response = caller.get("/api/v1/deals")
        body = assert_problem(response, 401)
        assert body["detail"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_user_is_404_problem_details(world: World):
    assert_problem(world.admin.get("/api/v1/users/9999"), 404)
    assert_problem(world.admin.put("/api/v1/users/9999/availability", {
        "timezone": "UTC", "working_hours": {}}), 404)


def test_the_user_list_is_a_page_of_everyone(world: World):
    body = world.manager.get("/api/v1/users").json
    second = world.manager.get("/api/v1/users?per_page=4&page=2").json

    assert {k: body[k] for k in ("page", "pages", "total")} == {"page": 1, "pages": 1,
                                                                "total": 6}
    assert body["items"][0]["email"] == "ada@handoff.example"
    assert (second["pages"], [u["email"] for u in second["items"]]) == (
        2, ["fred@seller.example", "mia@seller.example"])


def test_working_hours_as_in_the_spec_example_are_stored_and_echoed(world: World):
    hours = {"mon": [["09:00", "17:00"]], "tue": [["09:00", "12:00"], ["13:00", "17:00"]],
             "wed": []}

    response = world.sales.put(f"/api/v1/users/{world.ids['sales']}/availability", {
        "timezone": "America/Los_Angeles", "country": "US", "working_hours": hours})

    assert response.status_code == 200, response.json
    body = response.json
    assert body["timezone"] == "America/Los_Angeles" and body["country"] == "US"
    assert body["working_hours"]["mon"] == [["09:00", "17:00"]]
    assert body["working_hours"]["tue"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert not body["working_hours"].get("thu")
    again = world.sales.get(f"/api/v1/users/{world.ids['sales']}").json
    assert again["working_hours"] == body["working_hours"]


def test_busy_blocks_sent_as_json_are_recorded(world: World):
    response = world.sales.post(f"/api/v1/users/{world.ids['sales']}/busy", {
        "blocks": [{"start": "2026-12-01T16:00:00Z", "end": "2026-12-01T18:00:00Z",
                    "label": "QBR"},
                   {"start": "2026-12-02T09:00:00-08:00", "end": "2026-12-02T10:00:00-08:00"}]})

    assert response.status_code == 201, response.json
    blocks = response.json["blocks"]
    assert [(b["start"], b["end"], b["label"], b["source"]) for b in blocks] == [
        ("2026-12-01T16:00:00+00:00", "2026-12-01T18:00:00+00:00", "QBR", "json"),
        ("2026-12-02T17:00:00+00:00", "2026-12-02T18:00:00+00:00", "busy", "json"),
    ]


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example//Calendar//EN\r
BEGIN:VEVENT\r
UID:qbr-1@example.com\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=America/Los_Angeles:20261201T080000\r
DTEND;TZID=America/Los_Angeles:20261201T100000\r
SUMMARY:QBR\r
END:VEVENT\r
BEGIN:VFREEBUSY\r
UID:fb-1@example.com\r
DTSTAMP:20261101T000000Z\r
FREEBUSY:20261203T150000Z/20261203T160000Z\r
END:VFREEBUSY\r
END:VCALENDAR\r
"""


def _ics_blocks(response) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 201, response.get_data(as_text=True)
    assert all(b["source"] == "ics" for b in response.json["blocks"])
    return sorted((b["start"], b["end"], b["label"]) for b in response.json["blocks"])


EXPECTED_ICS = [("2026-12-01T16:00:00+00:00", "2026-12-01T18:00:00+00:00", "QBR"),
                ("2026-12-03T15:00:00+00:00", "2026-12-03T16:00:00+00:00", "busy")]


def test_busy_time_from_a_calendar_sent_as_text_calendar_is_recorded_in_utc(world: World):
    response = world.sales.post(f"/api/v1/users/{world.ids['sales']}/busy", data=ICS,
                                content_type="text/calendar")

    assert _ics_blocks(response) == EXPECTED_ICS


def test_busy_time_from_an_uploaded_ics_file_is_recorded(world: World):
    response = world.sales.post(f"/api/v1/users/{world.ids['sales']}/busy",
                                data={"file": (io.BytesIO(ICS), "calendar.ics")})

    assert _ics_blocks(response) == EXPECTED_ICS


def test_a_weekly_meeting_that_began_long_ago_still_blocks_the_weeks_ahead(world: World):
    weekly = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example//Calendar//EN\r
BEGIN:VEVENT\r
UID:standup@example.com\r
DTSTAMP:20240101T000000Z\r
DTSTART:20240102T170000Z\r
DTEND:20240102T180000Z\r
RRULE:FREQ=WEEKLY;BYDAY=TU\r
SUMMARY:Team sync\r
END:VEVENT\r
END:VCALENDAR\r
"""
    response = world.sales.post(f"/api/v1/users/{world.ids['sales']}/busy", data=weekly,
                                content_type="text/calendar")

    starts = [start for start, _, _ in _ics_blocks(response)]
    assert "2026-11-24T17:00:00+00:00" in starts
    assert "2026-12-01T17:00:00+00:00" in starts


def test_busy_time_over_the_kickoff_moves_it_and_raises_its_sequence(world: World):
    deal = make_deal(world)
    kickoff = deal["kickoff"]

    response = world.account_manager.post(
        f"/api/v1/users/{world.ids['account_manager']}/busy",
        {"blocks": [{"start": kickoff["start"], "end": kickoff["end"], "label": "Dentist"}]})

    assert response.status_code == 201, response.json
    moved = world.sales.get(f"/api/v1/deals/{deal['id']}/kickoff").json
    assert moved["status"] == "scheduled"
    assert moved["start"] >= kickoff["end"] or moved["end"] <= kickoff["start"]
    assert moved["uid"] == kickoff["uid"] and moved["sequence"] > kickoff["sequence"]


def test_errors_are_problem_details_even_for_a_route_that_does_not_exist(world: World):
    response = world.sales.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.mimetype == PROBLEM_JSON

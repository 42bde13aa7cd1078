"""Closing a deal, listing and reading deals, and changing one with If-Match."""

from __future__ import annotations

from typing import Any

from tests.api.builders import (
    World,
    assert_problem,
    deal_body,
    make_account,
    make_contact,
    make_deal,
    make_products,
    stored_counts,
)

PAGE_KEYS = {"items", "page", "per_page", "total", "pages"}


def _people(world: World) -> tuple[int, int]:
    account = make_account(world)
    return account["id"], make_contact(world, account["id"])["id"]


def test_closing_a_deal_answers_with_its_location_etag_terms_and_kickoff(world: World):
    make_products(world)
    account_id, contact_id = _people(world)

    response = world.sales.post("/api/v1/deals", deal_body(world, account_id, [contact_id]))

    assert response.status_code == 201, response.json
    deal = response.json
    assert response.headers["Location"] == f"/api/v1/deals/{deal['id']}"
    assert response.headers["ETag"] == world.sales.get(response.headers["Location"]).headers[
        "ETag"]
    assert (deal["account_id"], deal["title"], deal["external_ref"], deal["currency"]) == (
        account_id, "Acme 2027 supply", "OPP-981", "USD")
    assert deal["closed_at"] == "2026-11-20T17:00:00+00:00"
    assert deal["first_shipment_date"] == "2026-12-14"
    assert (deal["sales_owner_id"], deal["account_manager_id"], deal["fulfillment_lead_id"]) == (
        world.ids["sales"], world.ids["account_manager"], world.ids["fulfillment"])
    assert deal["contact_ids"] == [contact_id]
    prices = [t["params"]["price"] for t in deal["terms_version"]["terms"]
              if t["kind"] == "unit_price"]
    assert prices == ["10.00", "9.00"], "money comes back as the decimal strings sent"
    assert deal["terms_version"]["terms"][0]["note"] == "intro price"
    attendees = deal["kickoff"]["attendees"]
    assert {a["user_id"] for a in attendees if a.get("required")} == {
        world.ids["sales"], world.ids["account_manager"], world.ids["fulfillment"]}
    assert [a["contact_id"] for a in attendees if not a.get("required")] == [contact_id]


def test_a_salesperson_who_names_no_owner_closes_the_deal_in_their_own_name(world: World):
    account_id, contact_id = _people(world)
    body = deal_body(world, account_id, [contact_id])
    del body["sales_owner_id"]

    response = world.other_sales.post("/api/v1/deals", body)

    assert response.status_code == 201, response.json
    assert response.json["sales_owner_id"] == world.ids["other_sales"]


def test_a_salesperson_cannot_close_a_deal_in_a_colleagues_name(world: World):
    account_id, contact_id = _people(world)
    before = stored_counts(world)

    response = world.other_sales.post("/api/v1/deals", deal_body(world, account_id,
                                                                  [contact_id]))

    assert_problem(response, 403)
    assert stored_counts(world) == before


def test_a_deal_without_terms_is_version_1_with_no_terms(world: World):
    account_id, contact_id = _people(world)

    response = world.sales.post("/api/v1/deals", deal_body(world, account_id, [contact_id],
                                                           terms=[]))

    assert response.status_code == 201, response.json
    assert response.json["terms_version"]["number"] == 1
    assert response.json["terms_version"]["terms"] == []


def _close(world: World, account_id: int, contact_id: int, **changes: Any) -> dict[str, Any]:
    response = world.sales.post("/api/v1/deals", deal_body(world, account_id, [contact_id],
                                                           **changes))
    assert response.status_code == 201, response.json
    return response.json


def test_the_deal_list_is_a_page_envelope_newest_first(world: World):
    account_id, contact_id = _people(world)
    first = _close(world, account_id, contact_id, title="First")
    second = _close(world, account_id, contact_id, title="Second")
    third = _close(world, account_id, contact_id, title="Third")

    page_one = world.fulfillment.get("/api/v1/deals?per_page=2").json
    page_two = world.fulfillment.get("/api/v1/deals?per_page=2&page=2").json

    assert set(page_one) == PAGE_KEYS
    assert (page_one["page"], page_one["per_page"], page_one["total"], page_one["pages"]) == (
        1, 2, 3, 2)
    assert [d["id"] for d in page_one["items"]] == [third["id"], second["id"]]
    assert [d["id"] for d in page_two["items"]] == [first["id"]]
    assert page_one["items"][0]["terms_version"] == 1


def test_the_deal_list_filters_by_account_owner_and_status(world: World):
    account_id, contact_id = _people(world)
    other = make_account(world, name="Globex", external_ref="CRM-0099")
    other_contact = make_contact(world, other["id"], email="hank@globex.example")
    mine = _close(world, account_id, contact_id)
    body = deal_body(world, other["id"], [other_contact["id"]])
    body["sales_owner_id"] = world.ids["other_sales"]
    theirs = world.other_sales.post("/api/v1/deals", body).json

    def ids(query: str) -> list[int]:
        response = world.manager.get(f"/api/v1/deals?{query}")
        assert response.status_code == 200, response.json
        return [d["id"] for d in response.json["items"]]

    assert ids(f"account={other['id']}") == [theirs["id"]]
    assert ids(f"owner={world.ids['sales']}") == [mine["id"]]
    assert ids("status=closed") == [theirs["id"], mine["id"]]
    assert ids("status=kicked_off") == []


def test_a_deal_whose_kickoff_found_no_slot_is_listed_as_at_risk(world: World):
    account_id, contact_id = _people(world)
    fine = _close(world, account_id, contact_id)
    # Shipping on Monday leaves no business day for a kickoff after a Friday close.
    rushed = _close(world, account_id, contact_id, first_shipment_date="2026-11-23")

    at_risk = world.manager.get("/api/v1/deals?kickoff=at_risk").json
    scheduled = world.manager.get("/api/v1/deals?kickoff=scheduled").json

    assert rushed["kickoff"]["status"] == "unscheduled" and rushed["kickoff_at_risk"] is True
    assert [d["id"] for d in at_risk["items"]] == [rushed["id"]]
    assert at_risk["items"][0]["kickoff_at_risk"] is True
    assert [d["id"] for d in scheduled["items"]] == [fine["id"]]


def test_a_deal_is_read_with_an_etag_and_an_unknown_one_is_404(world: World):
    deal = make_deal(world)

    response = world.fulfillment.get(f"/api/v1/deals/{deal['id']}")

    assert response.status_code == 200
    assert response.headers["ETag"].startswith('"')
    assert response.json["terms_version"]["digest"] == deal["terms_version"]["digest"]
    assert_problem(world.fulfillment.get("/api/v1/deals/9999"), 404)


def test_a_change_without_if_match_is_428_and_changes_nothing(world: World):
    deal = make_deal(world)
    before = stored_counts(world)

    response = world.sales.patch(f"/api/v1/deals/{deal['id']}",
                                 {"first_shipment_date": "2026-12-21"})

    assert_problem(response, 428)
    assert stored_counts(world) == before
    assert world.sales.get(f"/api/v1/deals/{deal['id']}").json["first_shipment_date"] == \
        "2026-12-14"


def test_a_change_from_a_stale_copy_is_412_and_changes_nothing(world: World):
    deal = make_deal(world)
    stale = world.sales.get(f"/api/v1/deals/{deal['id']}").headers["ETag"]
    fresh = world.sales.patch(f"/api/v1/deals/{deal['id']}", {"title": "Renamed"},
                              headers={"If-Match": stale})
    assert fresh.status_code == 200, fresh.json
    before = stored_counts(world)

    response = world.sales.patch(f"/api/v1/deals/{deal['id']}", {"title": "Renamed again"},
                                 headers={"If-Match": stale})

    assert_problem(response, 412)
    assert stored_counts(world) == before
    assert world.sales.get(f"/api/v1/deals/{deal['id']}").json["title"] == "Renamed"


def test_a_change_from_a_fresh_copy_is_saved_and_gets_a_new_etag(world: World):
    deal = make_deal(world)
    etag = world.sales.get(f"/api/v1/deals/{deal['id']}").headers["ETag"]

    response = world.sales.patch(f"/api/v1/deals/{deal['id']}",
                                 {"first_shipment_date": "2026-12-21", "external_ref": "OPP-982"},
                                 headers={"If-Match": etag})

    assert response.status_code == 200, response.json
    assert (response.json["first_shipment_date"], response.json["external_ref"]) == (
        "2026-12-21", "OPP-982")
    assert response.headers["ETag"] not in (etag, "")
    assert response.headers["ETag"] == world.sales.get(f"/api/v1/deals/{deal['id']}").headers[
        "ETag"]
    kickoff = response.json["kickoff"]
    assert kickoff["start"] == deal["kickoff"]["start"], "a slot that still fits stays"
    assert kickoff["deadline"] > deal["kickoff"]["deadline"]


def test_an_earlier_first_shipment_that_leaves_no_slot_puts_the_kickoff_at_risk(world: World):
    deal = make_deal(world)
    etag = world.sales.get(f"/api/v1/deals/{deal['id']}").headers["ETag"]

    # Shipping on Tuesday 24 November needs the kickoff done by Friday, the day of the close.
    response = world.sales.patch(f"/api/v1/deals/{deal['id']}",
                                 {"first_shipment_date": "2026-11-24"},
                                 headers={"If-Match": etag})

    assert response.status_code == 200, response.json
    kickoff = response.json["kickoff"]
    assert kickoff["status"] == "unscheduled" and response.json["kickoff_at_risk"] is True
    assert kickoff["uid"] == deal["kickoff"]["uid"]
    assert kickoff["sequence"] > deal["kickoff"]["sequence"]


def test_only_a_manager_hands_a_deal_to_another_salesperson(world: World):
    deal = make_deal(world)
    path = f"/api/v1/deals/{deal['id']}"

    refused = world.sales.patch(path, {"sales_owner_id": world.ids["other_sales"]},
                                headers={"If-Match": world.sales.get(path).headers["ETag"]})
    handed = world.manager.patch(path, {"sales_owner_id": world.ids["other_sales"]},
                                 headers={"If-Match": world.sales.get(path).headers["ETag"]})

    assert_problem(refused, 403)
    assert handed.status_code == 200, handed.json
    assert handed.json["sales_owner_id"] == world.ids["other_sales"]
    after = world.sales.patch(path, {"title": "Mine again?"},
                              headers={"If-Match": handed.headers["ETag"]})
    assert_problem(after, 403)


def test_a_deal_is_never_deleted(world: World):
    deal = make_deal(world)
    before = stored_counts(world)

    response = world.manager.delete(f"/api/v1/deals/{deal['id']}")

    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]
    assert stored_counts(world) == before


def test_an_id_in_the_url_beyond_any_id_is_404_not_a_database_error(world: World):
    for path in ("/api/v1/deals/2147483648", "/api/v1/deals/99999999999999999999/terms",
                 "/api/v1/users/2147483648", "/api/v1/audit/2147483648"):
        assert_problem(world.manager.get(path), 404)


def test_a_body_that_is_not_json_is_refused_as_problem_details(world: World):
    _people(world)
    before = stored_counts(world)

    response = world.sales.post("/api/v1/deals", data='{"account_id": 1, "title": "Acme',
                                content_type="application/json")

    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"
    assert stored_counts(world) == before

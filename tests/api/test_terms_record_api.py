"""The record of terms: terms in force, versions, diffs, lineage, amendments, signatures,
acknowledgements and notes."""

from __future__ import annotations

from typing import Any

from tests.api.builders import (
    World,
    amend,
    assert_problem,
    make_deal,
    make_products,
    price_cut,
    stored_counts,
    term_id_of,
)


def _deal(world: World, **changes: Any) -> dict[str, Any]:
    make_products(world)
    return make_deal(world, **changes)


def _amended(world: World) -> tuple[dict[str, Any], dict[str, Any]]:
    """The SPEC's deal and the SPEC's amendment of it (version 2, from 2027-01-01)."""
    deal = _deal(world)
    response = amend(world, deal["id"], price_cut(term_id_of(deal, "unit_price")))
    assert response.status_code == 201, response.json
    return deal, response.json


# --- terms in force -----------------------------------------------------------------------------


def test_the_terms_in_force_follow_the_effective_dates_of_the_versions(world: World):
    deal, _ = _amended(world)
    path = f"/api/v1/deals/{deal['id']}/terms"

    today = world.fulfillment.get(path).json
    december = world.fulfillment.get(path + "?as_of=2026-12-31").json
    january = world.fulfillment.get(path + "?as_of=2027-01-01").json

    assert (today["as_of"], today["version"]) == ("2026-11-20", 1)
    assert december["version"] == 1
    assert (january["version"], january["effective_from"]) == (2, "2027-01-01")
    intro = [t["params"]["price"] for t in january["terms"]
             if t["kind"] == "unit_price" and t["params"].get("max_quantity") == 99]
    assert intro == ["9.50"]
    assert all(t["summary"] for t in january["terms"])


def test_before_the_first_version_no_terms_are_in_force(world: World):
    deal = _deal(world)

    body = world.fulfillment.get(f"/api/v1/deals/{deal['id']}/terms?as_of=2026-11-19").json

    assert body["version"] is None and body["terms"] == []


def test_a_term_outside_its_validity_window_is_not_in_force(world: World):
    deal = _deal(world, terms=[{"kind": "unit_price", "params": {"sku": "A-100", "price": "8.00"},
                                "valid_from": "2027-01-01", "valid_to": "2027-03-31"}])
    path = f"/api/v1/deals/{deal['id']}/terms"

    def prices(day: str) -> list[str]:
        return [t["params"]["price"] for t in world.sales.get(f"{path}?as_of={day}").json["terms"]]

    assert prices("2026-12-31") == []
    assert prices("2027-01-01") == ["8.00"]
    assert prices("2027-03-31") == ["8.00"]
    assert prices("2027-04-01") == []


# --- versions, diff, lineage --------------------------------------------------------------------


def test_the_version_history_lists_each_version_with_digest_author_and_reason(world: World):
    deal, _ = _amended(world)

    items = world.account_manager.get(f"/api/v1/deals/{deal['id']}/terms/versions").json["items"]

    assert [v["number"] for v in items] == [1, 2]
    assert [v["reason"] for v in items] == [
        "Terms agreed at close", "Price cut agreed by phone with Jane Buyer on 2026-12-20"]
    assert all(len(v["digest"]) == 64 for v in items) and items[0]["digest"] != items[1]["digest"]
    assert [v["author_id"] for v in items] == [world.ids["sales"]] * 2
    assert items[1]["author"] == "Ana Seller"


def test_one_version_shows_its_terms_signatures_and_acknowledgements(world: World):
    deal = _deal(world)
    contact = deal["contact_ids"][0]
    world.sales.post(f"/api/v1/deals/{deal['id']}/signatures", {
        "version": 1, "signer": {"contact_id": contact}, "typed_name": "Jane Buyer",
        "decisions": [{"option": "extended_warranty", "decision": "decline"}]})
    world.account_manager.post(f"/api/v1/deals/{deal['id']}/acknowledgements", {"version": 1})

    body = world.fulfillment.get(f"/api/v1/deals/{deal['id']}/terms/versions/1").json

    assert body["digest"] == deal["terms_version"]["digest"]
    assert [t["id"] for t in body["terms"]] == [t["id"] for t in deal["terms_version"]["terms"]]
    assert [(s["typed_name"], s["signed_at"]) for s in body["signatures"]] == [
        ("Jane Buyer", "2026-11-20T18:00:00+00:00")]
    assert [(a["user_id"], a["acknowledged_at"]) for a in body["acknowledgements"]] == [
        (world.ids["account_manager"], "2026-11-20T18:00:00+00:00")]


def test_an_unknown_version_is_404(world: World):
    deal = _deal(world)

    assert_problem(world.sales.get(f"/api/v1/deals/{deal['id']}/terms/versions/7"), 404)
    assert_problem(world.sales.get(f"/api/v1/deals/{deal['id']}/terms/versions/7/diff?against=1"),
                   404)


def test_the_diff_names_the_changed_field_of_the_replaced_term(world: World):
    deal, _ = _amended(world)

    body = world.sales.get(f"/api/v1/deals/{deal['id']}/terms/versions/2/diff?against=1").json

    assert (body["version"], body["against"]) == (2, 1)
    assert body["added"] == [] and body["removed"] == []
    assert len(body["changed"]) == 1
    assert "price" in str(body["changed"][0]) and "9.50" in str(body["changed"][0])
    assert "10.00" in str(body["changed"][0])


def test_the_diff_lists_added_and_removed_terms(world: World):
    deal = _deal(world)
    response = amend(world, deal["id"], {
        "reason": "Customer dropped the logo clause and asked for net 45",
        "effective_from": "2027-01-01",
        "add": [{"kind": "payment_terms", "params": {"net_days": 45}}],
        "remove": [term_id_of(deal, "clause")]})
    assert response.status_code == 201, response.json

    body = world.sales.get(f"/api/v1/deals/{deal['id']}/terms/versions/2/diff?against=1").json

    assert [t["kind"] for t in _terms(body["added"])] == ["payment_terms"]
    assert [t["kind"] for t in _terms(body["removed"])] == ["clause"]
    assert body["changed"] == []


def _terms(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item.get("term", item) for item in items]


def test_the_lineage_of_a_term_shows_every_version_of_it_and_what_was_said(world: World):
    deal, version2 = _amended(world)
    intro = term_id_of(deal, "unit_price")
    replacement = term_id_of({"terms_version": version2}, "unit_price")
    world.sales.post(f"/api/v1/deals/{deal['id']}/signatures", {
        "version": 2, "signer": {"contact_id": deal["contact_ids"][0]},
        "typed_name": "Jane Buyer",
        "decisions": [{"option": "extended_warranty", "decision": "decline"}]})
    world.account_manager.post(f"/api/v1/deals/{deal['id']}/notes", {
        "text": "Jane confirmed the 9.50 intro price.", "term_ids": [replacement]})

    response = world.manager.get(f"/api/v1/deals/{deal['id']}/terms/{intro}/lineage")

    body = response.json
    assert "GMT" not in response.get_data(as_text=True), "times are ISO 8601, not HTTP dates"
    assert body["notes"][0]["created_at"] == "2026-11-20T18:00:00+00:00"
    assert body["signatures"][0]["signed_at"] == "2026-11-20T18:00:00+00:00"
    history = body["history"]
    assert [h["term"]["params"]["price"] for h in history] == ["10.00", "9.50"]
    assert history[1]["replaces_id"] == intro
    assert [h["in_versions"] for h in history] == [[1], [2]]
    assert history[1]["reason"] == "Price cut agreed by phone with Jane Buyer on 2026-12-20"
    assert history[1]["author"] == "Ana Seller"
    assert [s["version"] for s in body["signatures"]] == [2]
    assert [n["text"] for n in body["notes"]] == ["Jane confirmed the 9.50 intro price."]
    same = world.manager.get(f"/api/v1/deals/{deal['id']}/terms/{replacement}/lineage").json
    assert same["history"] == history


def test_the_lineage_of_a_term_of_another_deal_is_404(world: World):
    deal = _deal(world)

    assert_problem(world.manager.get(f"/api/v1/deals/{deal['id']}/terms/9999/lineage"), 404)


# --- amendments ---------------------------------------------------------------------------------


def test_an_amendment_without_if_match_is_428_and_stores_nothing(world: World):
    deal = _deal(world)
    before = stored_counts(world)

    response = world.sales.post(f"/api/v1/deals/{deal['id']}/amendments",
                                price_cut(term_id_of(deal, "unit_price")))

    assert_problem(response, 428)
    assert stored_counts(world) == before


def test_an_amendment_from_a_stale_copy_is_412_and_stores_nothing(world: World):
    deal = _deal(world)
    stale = world.sales.get(f"/api/v1/deals/{deal['id']}").headers["ETag"]
    assert amend(world, deal["id"], price_cut(term_id_of(deal, "unit_price"))).status_code == 201
    before = stored_counts(world)

    response = world.sales.post(f"/api/v1/deals/{deal['id']}/amendments", {
        "reason": "Late second thoughts", "effective_from": "2027-01-01",
        "remove": [term_id_of(deal, "clause")]}, headers={"If-Match": stale})

    assert_problem(response, 412)
    assert stored_counts(world) == before


def test_the_spec_amendment_makes_version_2_and_leaves_version_1_unchanged(world: World):
    deal = _deal(world)
    version1 = world.sales.get(f"/api/v1/deals/{deal['id']}/terms/versions/1").json
    etag = world.sales.get(f"/api/v1/deals/{deal['id']}").headers["ETag"]
    intro = term_id_of(deal, "unit_price")

    response = world.sales.post(f"/api/v1/deals/{deal['id']}/amendments", price_cut(intro),
                                headers={"If-Match": etag})

    assert response.status_code == 201, response.json
    body = response.json
    assert (body["number"], body["effective_from"], body["author_id"]) == (
        2, "2027-01-01", world.ids["sales"])
    assert body["reason"] == "Price cut agreed by phone with Jane Buyer on 2026-12-20"
    assert len(body["digest"]) == 64 and body["digest"] != version1["digest"]
    replaced = body["terms"][0]
    assert (replaced["params"]["price"], replaced["replaces_id"]) == ("9.50", intro)
    assert replaced["id"] != intro
    assert [t["id"] for t in body["terms"][1:]] == [t["id"] for t in version1["terms"][1:]]
    assert response.headers["ETag"] != etag
    assert world.sales.get(f"/api/v1/deals/{deal['id']}/terms/versions/1").json == version1
    assert world.sales.get(f"/api/v1/deals/{deal['id']}").json["terms_version"]["number"] == 2


def test_an_amendment_adds_replaces_and_removes_in_one_version(world: World):
    deal = _deal(world)
    cap = term_id_of(deal, "volume_cap")

    response = amend(world, deal["id"], {
        "reason": "Renegotiated at the QBR", "effective_from": "2027-01-01",
        "add": [{"kind": "incoterm", "params": {"code": "FOB", "place": "Oakland"},
                 "note": "customer collects at port"}],
        "replace": [{"term_id": cap, "kind": "volume_cap",
                     "params": {"sku": "A-100", "max_quantity": 1500,
                                "period_start": "2026-11-01", "period_end": "2027-06-30"}}],
        "remove": [term_id_of(deal, "clause")]})

    assert response.status_code == 201, response.json
    kinds = [t["kind"] for t in response.json["terms"]]
    assert kinds == ["unit_price", "unit_price", "volume_cap", "option", "incoterm"]
    assert response.json["terms"][2]["params"]["max_quantity"] == 1500
    assert response.json["terms"][-1]["note"] == "customer collects at port"


def test_an_amendment_by_a_manager_is_recorded_as_theirs(world: World):
    deal = _deal(world)

    response = amend(world, deal["id"], price_cut(term_id_of(deal, "unit_price")), "manager")

    assert response.status_code == 201, response.json
    assert response.json["author_id"] == world.ids["manager"]


def test_an_amendment_asks_everyone_who_acknowledged_to_acknowledge_again(world: World):
    deal = _deal(world)
    path = f"/api/v1/deals/{deal['id']}"
    world.account_manager.post(path + "/acknowledgements", {"version": 1})
    world.fulfillment.post(path + "/acknowledgements", {"version": 1})
    world.manager.post(path + "/acknowledgements", {"version": 1})
    assert world.sales.get(path).json["acknowledgements"]["pending"] == []

    assert amend(world, deal["id"], price_cut(term_id_of(deal, "unit_price"))).status_code == 201

    state = world.sales.get(path).json["acknowledgements"]
    assert state["version"] == 2 and state["acknowledged"] == []
    assert {p["user_id"] for p in state["pending"]} == {
        world.ids["account_manager"], world.ids["fulfillment"], world.ids["manager"]}


# --- signatures ---------------------------------------------------------------------------------


def _signature(deal: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"version": 1, "signer": {"contact_id": deal["contact_ids"][0]},
            "typed_name": "Jane Buyer",
            "decisions": [{"option": "extended_warranty", "decision": "decline"}], **changes}


def test_a_customer_signature_records_the_digest_typed_name_address_and_browser(world: World):
    deal = _deal(world)

    response = world.sales.post(f"/api/v1/deals/{deal['id']}/signatures", _signature(deal),
                                headers={"User-Agent": "Mozilla/5.0 (SignPad)"},
                                environ_base={"REMOTE_ADDR": "203.0.113.7"})

    assert response.status_code == 201, response.json
    body = response.json
    assert body["version"] == 1
    assert body["digest"] == deal["terms_version"]["digest"]
    assert body["typed_name"] == "Jane Buyer"
    assert body["signer"] == {"contact_id": deal["contact_ids"][0]}
    assert body["decisions"] == [{"option": "extended_warranty", "decision": "decline"}]
    assert (body["ip"], body["user_agent"]) == ("203.0.113.7", "Mozilla/5.0 (SignPad)")
    assert body["signed_at"] == "2026-11-20T18:00:00+00:00"
    assert body["recorded_by_id"] == world.ids["sales"]
    stored = world.fulfillment.get(f"/api/v1/deals/{deal['id']}/signatures/{body['id']}").json
    assert stored == body


def test_a_signature_on_a_stated_digest_that_matches_the_version_is_accepted(world: World):
    deal = _deal(world)

    response = world.sales.post(f"/api/v1/deals/{deal['id']}/signatures",
                                _signature(deal, digest=deal["terms_version"]["digest"]))

    assert response.status_code == 201, response.json


def test_a_pending_option_is_decided_by_the_signature(world: World):
    deal = _deal(world, terms=[{"kind": "option", "params": {
        "name": "extended_warranty", "sku": "WARR-EXT", "decision": "pending",
        "terms": "3 years parts and labour"}}])

    response = world.sales.post(f"/api/v1/deals/{deal['id']}/signatures", _signature(
        deal, decisions=[{"option": "extended_warranty", "decision": "accept"}]))

    assert response.status_code == 201, response.json
    assert response.json["decisions"] == [{"option": "extended_warranty", "decision": "accept"}]


def test_an_internal_user_signs_as_themself_with_their_own_name(world: World):
    deal = _deal(world)

    response = world.sales.post(f"/api/v1/deals/{deal['id']}/signatures", _signature(
        deal, signer={"user_id": world.ids["sales"]}, typed_name="Ana Seller"))

    assert response.status_code == 201, response.json
    assert response.json["signer"] == {"user_id": world.ids["sales"]}


def test_an_internal_user_cannot_sign_in_a_colleagues_name(world: World):
    deal = _deal(world)
    before = stored_counts(world)

    response = world.manager.post(f"/api/v1/deals/{deal['id']}/signatures", _signature(
        deal, signer={"user_id": world.ids["sales"]}, typed_name="Ana Seller"))

    assert_problem(response, 403)
    assert stored_counts(world) == before


def test_a_signature_of_a_version_the_deal_lacks_is_404(world: World):
    deal = _deal(world)
    before = stored_counts(world)

    assert_problem(world.sales.post(f"/api/v1/deals/{deal['id']}/signatures",
                                    _signature(deal, version=3)), 404)
    assert stored_counts(world) == before


def test_signatures_are_listed_and_an_unknown_one_is_404(world: World):
    deal = _deal(world)
    signed = world.sales.post(f"/api/v1/deals/{deal['id']}/signatures", _signature(deal)).json

    listed = world.fulfillment.get(f"/api/v1/deals/{deal['id']}/signatures").json

    assert [s["id"] for s in listed["items"]] == [signed["id"]]
    assert_problem(world.fulfillment.get(f"/api/v1/deals/{deal['id']}/signatures/999"), 404)


def test_a_signature_is_never_changed_or_deleted(world: World):
    deal = _deal(world)
    signed = world.sales.post(f"/api/v1/deals/{deal['id']}/signatures", _signature(deal)).json
    path = f"/api/v1/deals/{deal['id']}/signatures/{signed['id']}"
    before = stored_counts(world)

    for response in (world.manager.put(path, {"typed_name": "Someone Else"}),
                     world.manager.patch(path, {"typed_name": "Someone Else"}),
                     world.manager.delete(path)):
        assert_problem(response, 405)
        assert response.headers["Allow"] == "GET"

    assert stored_counts(world) == before
    assert world.manager.get(path).json == signed


# --- acknowledgements ---------------------------------------------------------------------------


def test_the_first_acknowledgement_is_201_and_the_same_one_again_is_200(world: World):
    deal = _deal(world)
    path = f"/api/v1/deals/{deal['id']}/acknowledgements"

    first = world.account_manager.post(path, {"version": 1})
    before = stored_counts(world)
    again = world.account_manager.post(path, {"version": 1})

    assert first.status_code == 201, first.json
    assert (first.json["version"], first.json["user_id"]) == (1, world.ids["account_manager"])
    assert first.json["acknowledged_at"] == "2026-11-20T18:00:00+00:00"
    assert [p["user_id"] for p in first.json["pending"]] == [world.ids["fulfillment"]]
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]
    assert stored_counts(world) == before


def test_the_deal_shows_who_has_not_yet_acknowledged(world: World):
    deal = _deal(world)

    state = world.sales.get(f"/api/v1/deals/{deal['id']}").json["acknowledgements"]

    assert state["version"] == 1 and state["acknowledged"] == []
    assert [p["user_id"] for p in state["pending"]] == [world.ids["account_manager"],
                                                         world.ids["fulfillment"]]


def test_an_acknowledgement_of_a_version_the_deal_lacks_is_404(world: World):
    deal = _deal(world)

    assert_problem(world.account_manager.post(f"/api/v1/deals/{deal['id']}/acknowledgements",
                                              {"version": 2}), 404)


# --- notes --------------------------------------------------------------------------------------


def test_a_note_with_a_promise_as_in_the_spec_example_is_recorded_and_listed(world: World):
    deal = _deal(world)
    spec = {"channel": "call", "contact_id": deal["contact_ids"][0],
            "text": "Told Jane the extended warranty was declined; she agreed.",
            "promises": [{"text": "Send carton artwork proof", "due": "2026-12-01"}]}

    response = world.account_manager.post(f"/api/v1/deals/{deal['id']}/notes", spec)

    assert response.status_code == 201, response.json
    note = response.json
    assert (note["channel"], note["contact_id"], note["text"]) == (
        "call", spec["contact_id"], spec["text"])
    assert (note["author_id"], note["author"]) == (world.ids["account_manager"], "Amy Manager")
    assert [(p["text"], p["due"], p["owner_id"]) for p in note["promises"]] == [
        ("Send carton artwork proof", "2026-12-01", world.ids["account_manager"])]
    listed = world.fulfillment.get(f"/api/v1/deals/{deal['id']}/notes").json
    assert (listed["items"], listed["total"], listed["page"]) == ([note], 1, 1)


def test_a_promise_can_be_owned_by_a_colleague(world: World):
    deal = _deal(world)

    response = world.sales.post(f"/api/v1/deals/{deal['id']}/notes", {
        "text": "Jane wants the artwork by December.",
        "promises": [{"text": "Send carton artwork proof", "due": "2026-12-01",
                      "owner_id": world.ids["account_manager"]}]})

    assert response.status_code == 201, response.json
    assert response.json["promises"][0]["owner_id"] == world.ids["account_manager"]

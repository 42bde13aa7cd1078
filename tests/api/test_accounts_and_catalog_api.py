"""Accounts, contacts, the catalog (one object, a JSON list, or CSV; all rows or none) and the
company's standard terms."""

from __future__ import annotations

import io

from tests.api.builders import (
    World,
    assert_problem,
    make_account,
    make_products,
    stored_counts,
)

PAGE_KEYS = {"items", "page", "per_page", "total", "pages"}


def test_an_account_as_in_the_spec_example_is_created_and_read_back(world: World):
    spec = {"name": "Acme Tools", "external_ref": "CRM-0042", "country": "US",
            "timezone": "America/Chicago"}

    response = world.sales.post("/api/v1/accounts", spec)

    assert response.status_code == 201, response.json
    created = response.json
    assert {k: created[k] for k in spec} == spec
    assert world.fulfillment.get(f"/api/v1/accounts/{created['id']}").json == created


def test_a_country_code_is_read_in_any_case(world: World):
    created = make_account(world, country="de", timezone="Europe/Berlin")

    assert created["country"] == "DE"


def test_two_accounts_with_the_same_crm_reference_conflict_and_the_second_is_not_stored(
        world: World):
    make_account(world)
    before = stored_counts(world)

    response = world.sales.post("/api/v1/accounts", {"name": "Acme again",
                                                     "external_ref": "CRM-0042"})

    assert_problem(response, 409, "external_ref")
    assert stored_counts(world) == before


def test_the_account_list_is_a_page_and_can_be_searched_by_name(world: World):
    make_account(world)
    make_account(world, name="Globex", external_ref="CRM-0099")

    everything = world.sales.get("/api/v1/accounts").json
    found = world.sales.get("/api/v1/accounts?q=glob").json
    second_page = world.sales.get("/api/v1/accounts?per_page=1&page=2").json

    assert set(everything) == PAGE_KEYS and everything["total"] == 2
    assert [a["name"] for a in found["items"]] == ["Globex"]
    assert (second_page["page"], second_page["per_page"], second_page["pages"]) == (2, 1, 2)
    assert [a["name"] for a in second_page["items"]] == ["Globex"]


def test_an_unknown_account_is_404_problem_details(world: World):
    assert_problem(world.sales.get("/api/v1/accounts/999"), 404)
    assert_problem(world.sales.get("/api/v1/accounts/999/contacts"), 404)
    before = stored_counts(world)
    assert_problem(world.sales.post("/api/v1/accounts/999/contacts",
                                    {"name": "Jane Buyer", "email": "jane@acme.example"}), 404)
    assert stored_counts(world) == before


def test_a_contact_as_in_the_spec_example_is_added_and_listed(world: World):
    account = make_account(world)
    spec = {"name": "Jane Buyer", "email": "jane@acme.example", "title": "Purchasing",
            "timezone": "America/Chicago"}

    response = world.sales.post(f"/api/v1/accounts/{account['id']}/contacts", spec)

    assert response.status_code == 201, response.json
    assert {k: response.json[k] for k in spec} == spec
    assert response.json["account_id"] == account["id"]
    listed = world.account_manager.get(f"/api/v1/accounts/{account['id']}/contacts").json
    assert set(listed) == PAGE_KEYS
    assert [c["id"] for c in listed["items"]] == [response.json["id"]]


WIDGET = {"sku": "A-100", "name": "Widget", "category": "widgets", "list_price": "12.00",
          "currency": "USD"}


def test_one_product_as_in_the_spec_example_is_saved(world: World):
    response = world.admin.post("/api/v1/products", WIDGET)

    assert response.status_code == 201, response.json
    assert response.json["count"] == 1
    saved = response.json["items"][0]
    assert {k: saved[k] for k in WIDGET} == WIDGET


def test_a_json_list_of_products_is_saved(world: World):
    make_products(world)

    listed = world.sales.get("/api/v1/products").json

    assert set(listed) == PAGE_KEYS and listed["total"] == 3
    assert [(p["sku"], p["list_price"]) for p in listed["items"]] == [
        ("A-100", "12.00"), ("B-200", "40.00"), ("WARR-EXT", "150.00")]


CSV = (b"sku,name,category,list_price,currency\r\n"
       b"A-100,Widget,widgets,12.00,USD\r\n"
       b"B-200,\"Gadget, large\",gadgets,40.50,usd\r\n")


def test_products_sent_as_a_csv_body_are_saved(world: World):
    response = world.admin.post("/api/v1/products", data=CSV, content_type="text/csv")

    assert response.status_code == 201, response.json
    assert [(p["sku"], p["name"], p["list_price"], p["currency"])
            for p in response.json["items"]] == [
        ("A-100", "Widget", "12.00", "USD"), ("B-200", "Gadget, large", "40.50", "USD")]


def test_products_uploaded_as_a_csv_file_are_saved(world: World):
    response = world.admin.post("/api/v1/products",
                                data={"file": (io.BytesIO(CSV), "catalog.csv")})

    assert response.status_code == 201, response.json
    assert response.json["count"] == 2


def test_a_known_sku_is_updated_not_added_twice(world: World):
    make_products(world)

    response = world.admin.post("/api/v1/products", {**WIDGET, "list_price": "12.50"})

    assert response.status_code == 201, response.json
    listed = world.sales.get("/api/v1/products").json
    assert listed["total"] == 3
    assert next(p for p in listed["items"] if p["sku"] == "A-100")["list_price"] == "12.50"


def test_a_catalog_upload_with_one_bad_row_changes_nothing_at_all(world: World):
    make_products(world)
    before = stored_counts(world)

    response = world.admin.post("/api/v1/products", [
        {**WIDGET, "list_price": "11.00"},
        {"sku": "C-300", "name": "Cog", "category": "widgets", "list_price": "2.00",
         "currency": "USD"},
        {"sku": "D-400", "name": "Gear", "category": "widgets", "list_price": 2,
         "currency": "USD"},
    ])

    assert_problem(response, 422, "2.list_price")
    assert stored_counts(world) == before
    listed = world.sales.get("/api/v1/products").json
    assert next(p for p in listed["items"] if p["sku"] == "A-100")["list_price"] == "12.00"


def test_the_catalog_can_be_filtered_by_category(world: World):
    make_products(world)

    listed = world.sales.get("/api/v1/products?category=gadgets").json

    assert [p["sku"] for p in listed["items"]] == ["B-200"]


STANDARD = {"terms": [{"kind": "payment_terms", "params": {"net_days": 30}},
                      {"kind": "incoterm", "params": {"code": "EXW", "place": "Reno"}}]}


def test_standard_terms_are_empty_until_an_admin_sets_them(world: World):
    body = world.sales.get("/api/v1/standard-terms").json

    assert body["terms"] == [] and body["updated_at"] is None


def test_standard_terms_as_in_the_spec_example_are_replaced_and_read_back(world: World):
    response = world.admin.put("/api/v1/standard-terms", STANDARD)

    assert response.status_code == 200, response.json
    terms = response.json["terms"]
    assert [(t["kind"], t["params"]) for t in terms] == [
        ("payment_terms", {"net_days": 30}), ("incoterm", {"code": "EXW", "place": "Reno"})]
    assert all(t["summary"] for t in terms)
    assert response.json["author_id"] == world.ids["admin"]
    assert world.fulfillment.get("/api/v1/standard-terms").json == response.json


def test_replacing_the_standard_terms_keeps_the_earlier_set_on_record(world: World):
    world.admin.put("/api/v1/standard-terms", STANDARD)

    world.admin.put("/api/v1/standard-terms", {"terms": [
        {"kind": "payment_terms", "params": {"net_days": 45}}]})

    now = world.sales.get("/api/v1/standard-terms").json
    assert [t["params"] for t in now["terms"]] == [{"net_days": 45}]
    log = world.admin.get("/api/v1/audit?entity=standard_terms").json["items"]
    assert [e["data"]["terms"][0]["params"]["net_days"] for e in log] == [45, 30]

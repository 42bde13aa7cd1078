"""A salesperson closes a deal with five kinds of terms and sees its kickoff."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from playwright.sync_api import expect

TERMS = [
    ("unit_price", {"sku": "A-200", "price": "17.25"}),
    ("discount", {"percent": "4", "category": "gadgets"}),
    ("payment_terms", {"net_days": "45"}),
    ("volume_cap", {"sku": "A-200", "max_quantity": "800",
                    "period_start": date.today().isoformat(),
                    "period_end": (date.today() + timedelta(days=180)).isoformat()}),
    ("clause", {"text": "Pallets wrapped in recycled film"}),
]


def test_a_salesperson_closes_a_deal_with_five_kinds_of_terms_and_sees_the_kickoff(
        person: Any) -> None:
    ana = person("ana", timezone="America/Los_Angeles")
    page = ana.page
    page.get_by_role("link", name="Close a deal").first.click()
    expect(page.get_by_role("heading", name="Close a deal")).to_be_visible()
    page.get_by_label("Customer account").select_option(label="Rush Retail")
    page.get_by_label("Title").fill("Rush Retail spring range")
    page.get_by_label("First shipment").fill((date.today() + timedelta(days=21)).isoformat())
    page.get_by_label("Account manager").select_option(label="Amy Carter (America/Chicago)")
    page.get_by_label("Fulfillment lead").select_option(label="Fred Ortiz (America/Chicago)")
    page.get_by_label("Customer contacts at the kickoff").select_option(label="Rita Quick — Buyer")
    for n, (kind, params) in enumerate(TERMS):
        page.get_by_label("Add a term of kind").select_option(kind)
        page.get_by_role("button", name="Add term").click()
        expect(page.locator(f"#term-{n}")).to_be_visible()
        for name, value in params.items():
            page.locator(f"#terms-{n}-p-{name}").fill(value)
    page.get_by_role("button", name="Preview the kickoff").click()
    expect(page.locator("#kickoff-preview")).to_contain_text("Closing now books the kickoff for")
    ana.screenshot("close-a-deal")
    page.get_by_role("button", name="Close the deal").click()
    expect(page.get_by_role("heading", name="Rush Retail spring range")).to_be_visible()
    terms = page.locator("section", has=page.get_by_role("heading", name="Terms in version 1"))
    for words in ("A-200 at 17.25 USD", "4% off", "Net 45 days", "At most 800 units of A-200",
                  "Pallets wrapped in recycled film"):
        expect(terms).to_contain_text(words)
    kickoff = page.locator("#kickoff")
    expect(kickoff).to_contain_text("scheduled")
    expect(kickoff).to_contain_text("PST")
    ana.screenshot("deal")


def test_a_term_with_a_wrong_value_is_marked_beside_its_field(person: Any) -> None:
    ana = person("ana", timezone="America/Los_Angeles")
    page = ana.page
    ana.go("/deals/new")
    page.get_by_label("Add a term of kind").select_option("unit_price")
    page.get_by_role("button", name="Add term").click()
    page.locator("#terms-0-p-sku").fill("A-100")
    page.locator("#terms-0-p-price").fill("cheap")
    page.get_by_role("button", name="Close the deal").click()
    expect(page.get_by_role("alert")).to_contain_text("The deal was not closed")
    price = page.locator("#terms-0-p-price")
    expect(price).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#terms-0-p-price-errors")).to_be_visible()

"""A manager's pages: the dashboard (deals at risk, escalations, blocked orders, deviations by
code and by salesperson week by week, drawn as SVG) and the audit log with the verification of
its chain, which admins see too."""

from __future__ import annotations

import re

from sqlalchemy import text

from app.extensions import db
from tests.web.conftest import Browser, text_of


def test_the_dashboard_puts_at_risk_deals_escalations_and_blocked_orders_first(
        browser: Browser) -> None:
    browser.sign_in("mia")
    page = text_of(browser.client.get("/dashboard"))
    at_risk = page.split("Deals at risk")[1].split("Escalations")[0]
    assert "Holiday rush order" in at_risk and "Ana Seller" in at_risk
    assert "Acme 2027 supply" not in at_risk
    escalations = page.split("Escalations")[1].split("Blocked orders")[0]
    assert "open Fri 20 Nov 2026, 13:00 EST" in escalations  # Mia reads New York time
    assert "No common free time was found for the kickoff for Holiday rush order" in escalations
    assert "resolved" in escalations.split("Harbor chandlery supply")[0].rsplit("open", 1)[-1]
    blocked = page.split("Blocked orders waiting for a manager")[1].split("Deviations")[0]
    assert "HMS-4107" in blocked
    assert "HMS-4102" not in blocked  # overridden already
    assert "1 deal with the kickoff at risk" in page
    assert "1 blocked order waiting for a manager" in page


def test_the_chart_counts_deviations_by_code_and_salesperson_week_by_week(
        browser: Browser) -> None:
    browser.sign_in("mia")
    response = browser.client.get("/dashboard?weeks=12")
    html = response.get_data(as_text=True)
    assert html.count('<svg class="chart"') == 2
    bars = re.findall(r'<rect class="series-\d+"[^>]*><title>([^<]+)</title>', html)
    assert "Price above agreed, week of 21 Sep: 1" in bars
    assert "Sven Nilsson, week of 26 Oct: 2" in bars  # HMS-4107: above the price, wrong Incoterm
    assert "Ana Seller, week of 16 Nov: 1" in bars  # ACME-7002's payment terms
    page = text_of(response)
    assert "Payment terms mismatch (3)" in page
    assert "Sven Nilsson (8) Ana Seller (1)" in page
    assert "Manual review (" not in page  # a task, not a deviation: not in any legend
    shorter = text_of(browser.client.get("/dashboard?weeks=4"))
    assert "Sven Nilsson (4) Ana Seller (1)" in shorter  # from the week of 26 Oct


def test_bar_heights_follow_the_counts(browser: Browser) -> None:
    browser.sign_in("mia")
    html = browser.client.get("/dashboard?weeks=12").get_data(as_text=True)
    people = html.split("By salesperson")[1]
    heights = {title: float(h) for h, title in re.findall(
        r'<rect class="series-\d+"[^>]*height="([\d.]+)"><title>([^<]+)</title>', people)}
    one = heights["Sven Nilsson, week of 21 Sep: 1"]
    assert heights["Sven Nilsson, week of 26 Oct: 2"] == round(2 * one, 1)


def test_only_managers_see_the_dashboard(browser: Browser) -> None:
    for who in ("ana", "amy", "fred", "admin"):
        person = Browser(browser.app, browser.app.test_client())
        person.sign_in(who)
        assert person.client.get("/dashboard").status_code == 403, who
        assert "Dashboard" not in text_of(person.client.get("/deals")).split("Sign out")[0], who


def test_the_audit_log_shows_the_chain_intact_and_filters_by_entity(browser: Browser) -> None:
    browser.sign_in("admin")
    page = text_of(browser.client.get("/audit"))
    assert "intact" in page
    total = int(re.search(r"All (\d+) events check out", page).group(1))  # type: ignore[union-attr]
    assert total > 50
    assert "Fred Ortiz order.checked order 12" in page
    orders = text_of(browser.client.get("/audit?entity=order&entity_id=6"))
    assert "order.held" in orders and "order.question_answered" in orders
    assert "deal.closed" not in orders


def test_the_audit_log_names_the_first_event_that_no_longer_fits(browser: Browser) -> None:
    with browser.app.app_context(), db.engine.begin() as conn:
        # Someone with the database's keys, going round its append-only triggers.
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for action in ("update", "delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS audit_events_no_{action}"))
        conn.execute(text("UPDATE audit_events SET action = 'deal.forgotten' WHERE seq = 5"))
    browser.sign_in("mia")
    response = browser.client.get("/audit")
    page = text_of(response)
    assert "broken" in page
    assert "The chain breaks at event 5: its content does not match its hash." in page
    assert 'role="alert"' in response.get_data(as_text=True)


def test_only_managers_and_admins_read_the_audit_log(browser: Browser) -> None:
    for who in ("ana", "amy", "fred"):
        person = Browser(browser.app, browser.app.test_client())
        person.sign_in(who)
        assert person.client.get("/audit").status_code == 403, who
        assert "Audit log" not in text_of(person.client.get("/deals")), who

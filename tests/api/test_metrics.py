"""/metrics: Prometheus text with order checks by outcome, deviations by code, outbox depth,
scheduler lag and HTTP requests by route and status; read by the machine itself or by a bearer
of the metrics token, by nobody else."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from app.extensions import db
from app.services.briefs import attachment_for
from app.services.dispatch import send_due_messages
from tests.api.builders import NOW, World, assert_problem, make_deal, make_products
from tests.api.order_builders import check, line, new_deal, order_for

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


def scrape(world: World, **kwargs) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = world.client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_checks_are_counted_by_outcome_and_deviations_by_code(world: World) -> None:
    make_products(world)
    deal = new_deal(world, [{"kind": "unit_price", "params": {"sku": "A-100", "price": "10.00"}}])
    before = scrape(world)
    check(world, order_for(deal["id"], lines=[line("A-100", 5, "10.00")]))
    check(world, order_for(deal["id"], lines=[line("A-100", 5, "11.00")]))
    check(world, order_for(deal["id"], lines=[line("A-100", 5, "11.00")]))
    refused = world.fulfillment.post("/api/v1/orders/check", {"deal_id": deal["id"]})
    assert_problem(refused, 422)
    after = scrape(world)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("handoff_order_checks_total", status="clear") == 1
    assert grew("handoff_order_checks_total", status="blocked") == 2
    assert grew("handoff_order_checks_total", status="flagged") == 0
    assert grew("handoff_order_deviations_total", code="PRICE_ABOVE_AGREED") == 2
    assert grew("handoff_http_requests_total", method="POST", route="/api/v1/orders/check",
                status="200") == 3
    assert grew("handoff_http_requests_total", method="POST", route="/api/v1/orders/check",
                status="422") == 1


def test_checks_of_a_batch_are_counted_too(world: World) -> None:
    """A batch large enough to be stored by COPY on PostgreSQL (the chunk checker's bulk path)
    is counted order by order, like single checks."""
    make_products(world)
    deal = new_deal(world, [{"kind": "unit_price", "params": {"sku": "A-100", "price": "10.00"}}])
    rows = ["deal_id,po_number,order_date,requested_ship_date,currency,sku,quantity,unit_price"]
    rows += [f"{deal['id']},PO-M{n},{NOW.date()},{NOW.date()},USD,A-100,5,"
             f"{'11.00' if n % 4 == 0 else '10.00'}" for n in range(80)]
    before = scrape(world)
    response = world.fulfillment.post("/api/v1/orders/check-batch", data="\n".join(rows),
                                      headers={"Content-Type": "text/csv"})
    assert response.status_code == 200
    assert response.json["summary"]["orders"] == 80  # the answer streams: read it to the end
    after = scrape(world)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("handoff_order_checks_total", status="clear") == 60
    assert grew("handoff_order_checks_total", status="blocked") == 20
    assert grew("handoff_order_deviations_total", code="PRICE_ABOVE_AGREED") == 20


def test_requests_are_labelled_by_route_pattern_not_by_address(world: World) -> None:
    before = scrape(world)
    for deal_id in (101, 102, 103):
        world.manager.get(f"/api/v1/deals/{deal_id}")
    world.manager.get("/no-such-address/at-all")
    after = scrape(world)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("handoff_http_requests_total", method="GET",
                route="/api/v1/deals/<int:deal_id>", status="404") == 3
    assert grew("handoff_http_requests_total", method="GET", route="<unmatched>",
                status="404") == 1
    assert not any("101" in str(labels) or "no-such" in str(labels) for _name, labels in after)
    assert grew("handoff_http_request_duration_seconds_count", method="GET",
                route="/api/v1/deals/<int:deal_id>") == 3


def test_outbox_depth_and_scheduler_lag_come_from_the_database(world: World) -> None:
    make_products(world)
    make_deal(world)
    assert value(scrape(world), "handoff_outbox_messages", status="pending") == 4
    assert value(scrape(world), "handoff_scheduler_lag_seconds", queue="outbox") == 0

    world.app.config["NOW"] = lambda: NOW + timedelta(seconds=90)
    samples = scrape(world)
    assert value(samples, "handoff_scheduler_lag_seconds", queue="outbox") == 90
    assert value(samples, "handoff_database_up") == 1

    with world.app.app_context():
        assert send_due_messages(db.session, attachment_for) == 4
    samples = scrape(world)
    assert value(samples, "handoff_outbox_messages", status="pending") == 0
    assert value(samples, "handoff_scheduler_lag_seconds", queue="outbox") == 0


def test_metrics_are_refused_to_callers_elsewhere(world: World) -> None:
    assert_problem(world.client.get("/metrics", environ_base=OUTSIDE), 403)
    # A proxy on this machine relays outside callers from 127.0.0.1: not trusted, not served.
    assert_problem(world.client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"}),
                   403)
    # An API token is not the metrics token.
    assert_problem(world.admin.get("/metrics", environ_base=OUTSIDE), 403)


def test_with_a_metrics_token_only_its_bearer_reads_them(world: World) -> None:
    world.app.config["METRICS_TOKEN"] = "scrape-me-7d2f"
    assert_problem(world.client.get("/metrics"), 403)  # not even from this machine
    assert_problem(world.client.get("/metrics", headers={
        "Authorization": "Bearer scrape-me-wrong"}), 403)
    assert scrape(world, environ_base=OUTSIDE,
                  headers={"Authorization": "Bearer scrape-me-7d2f"})

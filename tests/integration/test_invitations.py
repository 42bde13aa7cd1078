"""Invitations reach a real SMTP server as iMIP messages that calendars accept: a REQUEST with the
brief attached, an update with a higher SEQUENCE, and a CANCEL."""

from __future__ import annotations

import email
import socket
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from app.extensions import db
from app.services.briefs import attachment_for
from app.services.dispatch import send_due_messages
from tests.api.builders import make_deal, make_products, make_world


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox():
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


def _calendar(message: Message) -> Calendar:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") in ("REQUEST", "CANCEL")
    return Calendar.from_ical(part.get_payload(decode=True))


def _deliver(app) -> int:
    with app.app_context():
        return send_due_messages(db.session, attachment_for)


def test_closing_a_deal_sends_every_attendee_an_imip_request_with_the_brief(app, client, inbox):
    handler, url = inbox
    app.config["MAIL_URL"] = url
    world = make_world(app, client)
    make_products(world)
    deal = make_deal(world)

    assert _deliver(app) == 4
    recipients = sorted(m["To"] for m in handler.messages)
    assert recipients == sorted(["ana@seller.example", "amy@seller.example",
                                 "fred@seller.example", "jane@acme.example"])
    message = handler.to("jane@acme.example")[0]
    cal = _calendar(message)
    assert str(cal["METHOD"]) == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == deal["kickoff"]["uid"]
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART").isoformat() == deal["kickoff"]["start"]
    roles = {str(a).removeprefix("mailto:"): a.params["ROLE"] for a in event["ATTENDEE"]}
    assert roles["jane@acme.example"] == "OPT-PARTICIPANT"
    assert roles["amy@seller.example"] == "REQ-PARTICIPANT"
    attachments = [p.get_filename() for p in message.walk() if p.get_filename()]
    assert any(name.endswith(".docx") for name in attachments)
    assert _deliver(app) == 0, "nothing is sent twice"


def test_a_moved_kickoff_is_an_update_and_a_lost_slot_a_cancel(app, client, inbox):
    handler, url = inbox
    app.config["MAIL_URL"] = url
    world = make_world(app, client)
    make_products(world)
    deal = make_deal(world)
    _deliver(app)
    handler.messages.clear()
    busy_start = deal["kickoff"]["start"]
    moved = world.account_manager.post(f"/api/v1/users/{world.ids['account_manager']}/busy", {
        "blocks": [{"start": busy_start, "end": deal["kickoff"]["end"], "label": "dentist"}]})
    assert moved.status_code == 201, moved.json

    _deliver(app)
    event = _calendar(handler.to("amy@seller.example")[0]).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").isoformat() != busy_start

    handler.messages.clear()
    etag = world.sales.get(f"/api/v1/deals/{deal['id']}").headers["ETag"]
    too_soon = world.sales.patch(f"/api/v1/deals/{deal['id']}",
                                 {"first_shipment_date": "2026-11-23"},
                                 headers={"If-Match": etag})
    assert too_soon.status_code == 200, too_soon.json
    assert too_soon.json["kickoff"]["status"] == "unscheduled"
    _deliver(app)
    cal = _calendar(handler.to("fred@seller.example")[0])
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(cal.walk("VEVENT")[0]["UID"]) == deal["kickoff"]["uid"]
    managers = handler.to("mia@seller.example")
    assert managers and "at risk" in managers[0]["Subject"].lower()


def test_messages_wait_in_the_outbox_while_the_mail_server_is_down(app, client):
    app.config["MAIL_URL"] = "smtp://127.0.0.1:9"
    world = make_world(app, client)
    make_products(world)
    make_deal(world)
    _deliver(app)
    from sqlalchemy import select

    from app.db.models import OutboxMessage

    with app.app_context():
        waiting = db.session.scalars(select(OutboxMessage)).all()
        assert waiting and all(m.status == "pending" and m.attempts == 1 for m in waiting)
        assert all("ConnectionRefused" in m.last_error for m in waiting)


def test_every_delivery_of_one_message_carries_the_same_message_id(app, client):
    from app.db.models import OutboxMessage
    from app.mail import compose

    world = make_world(app, client)
    make_products(world)
    make_deal(world)
    with app.app_context():
        from sqlalchemy import select

        message = db.session.scalars(select(OutboxMessage)).first()
        first = compose(message, "handoff@seller.example")["Message-ID"]
        again = compose(message, "handoff@seller.example")["Message-ID"]
    assert first == again
    assert first.endswith("@seller.example>")


def test_an_invitation_carries_the_brief_of_the_version_in_force_at_the_kickoff(app, client):
    from sqlalchemy import select

    from app.db.models import OutboxMessage

    world = make_world(app, client)
    make_products(world)
    deal = make_deal(world)
    etag = world.sales.get(f"/api/v1/deals/{deal['id']}").headers["ETag"]
    intro = deal["terms_version"]["terms"][0]
    amended = world.sales.post(f"/api/v1/deals/{deal['id']}/amendments", {
        "reason": "From January", "effective_from": "2027-01-01",
        "replace": [{"term_id": intro["id"], "kind": "unit_price",
                     "params": {"sku": "A-100", "price": "9.50", "max_quantity": 99}}]},
        headers={"If-Match": etag})
    assert amended.status_code == 201, amended.json

    with app.app_context():
        updates = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "invitation", OutboxMessage.dedupe_key.contains(":1:"))).all()
    assert updates, "the amendment sends an updated invitation"
    assert {m.brief_version for m in updates} == {1}

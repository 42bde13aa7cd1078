from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from icalendar import Calendar, Component

from kickoff.invite import (
    AGENDA_CLOSING,
    FeedItem,
    Invitee,
    agenda,
    agenda_text,
    build_cancel,
    build_feed,
    build_request,
    kickoff_uid,
)

from .builders import invitee, kickoff_event, utc


def parsed(data: bytes) -> tuple[Calendar, Component]:
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def attendees_by_email(event: Component) -> dict[str, Any]:
    found = event.get("ATTENDEE")
    found = found if isinstance(found, list) else [found]
    return {str(a).removeprefix("mailto:"): a.params for a in found}


def test_an_invitation_is_an_imip_request_with_uid_sequence_and_utc_times() -> None:
    calendar, event = parsed(build_request(kickoff_event(sequence=0)))

    assert calendar.get("METHOD") == "REQUEST"
    assert calendar.get("PRODID") == "-//Handoff//Kickoff//EN"
    assert calendar.get("VERSION") == "2.0"
    assert event.get("UID") == "kickoff-42@handoff.example"
    assert event.get("SEQUENCE") == 0
    assert event.get("STATUS") == "CONFIRMED"
    assert event.decoded("DTSTART") == utc(2026, 3, 10, 14)
    assert event.decoded("DTSTART").tzinfo.utcoffset(None) == timedelta(0)
    assert event.decoded("DTEND") == utc(2026, 3, 10, 14, 45)
    assert event.decoded("DTSTAMP") == utc(2026, 3, 2, 8)


def test_times_are_written_in_utc_with_a_z() -> None:
    text = build_request(kickoff_event()).decode()

    assert "DTSTART:20260310T140000Z\r\n" in text
    assert "DTEND:20260310T144500Z\r\n" in text


def test_required_people_are_req_participants_customers_opt_participants_all_rsvp() -> None:
    _, event = parsed(build_request(kickoff_event()))
    people = attendees_by_email(event)

    assert people["am@example.com"]["ROLE"] == "REQ-PARTICIPANT"
    assert people["buyer@customer.example"]["ROLE"] == "OPT-PARTICIPANT"
    assert {p["RSVP"] for p in people.values()} == {"TRUE"}
    assert {p["PARTSTAT"] for p in people.values()} == {"NEEDS-ACTION"}
    assert people["am@example.com"]["CN"] == "Alex Manager"


def test_the_organizer_is_named_with_a_mailto_address() -> None:
    _, event = parsed(build_request(kickoff_event()))
    organizer = event.get("ORGANIZER")

    assert str(organizer) == "mailto:sales@example.com"
    assert organizer.params["CN"] == "Sam Sales"


def test_a_rescheduled_kickoff_keeps_its_uid_and_raises_its_sequence() -> None:
    first = parsed(build_request(kickoff_event(sequence=0)))[1]
    moved = parsed(
        build_request(
            kickoff_event(sequence=1, start=utc(2026, 3, 11, 15), end=utc(2026, 3, 11, 15, 45))
        )
    )[1]

    assert moved.get("UID") == first.get("UID")
    assert moved.get("SEQUENCE") == 1
    assert moved.decoded("DTSTART") == utc(2026, 3, 11, 15)


def test_a_cancellation_is_method_cancel_with_status_cancelled_for_the_same_uid() -> None:
    calendar, event = parsed(build_cancel(kickoff_event(sequence=2)))

    assert calendar.get("METHOD") == "CANCEL"
    assert event.get("STATUS") == "CANCELLED"
    assert event.get("UID") == "kickoff-42@handoff.example"
    assert event.get("SEQUENCE") == 2
    assert set(attendees_by_email(event)) >= {"am@example.com", "buyer@customer.example"}


def test_names_with_punctuation_and_text_with_newlines_survive_the_round_trip() -> None:
    odd = Invitee("ops@example.com", 'Fran "Ops" O\'Neil, Fulfillment: EU', True)
    _, event = parsed(build_request(kickoff_event(attendees=[odd])))

    assert (
        attendees_by_email(event)["ops@example.com"]["CN"] == 'Fran "Ops" O\'Neil, Fulfillment: EU'
    )
    assert event.get("DESCRIPTION") == "Agenda:\n1. Review non-standard terms"
    assert event.get("SUMMARY") == "Kickoff: ACME Corp, deal #42"


def test_lines_end_in_crlf_and_are_folded_at_75_octets() -> None:
    data = build_request(kickoff_event())

    assert data.endswith(b"\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_someone_invited_twice_appears_once_and_required_wins() -> None:
    twice = [invitee("am@example.com", required=False), invitee("AM@example.com", required=True)]
    _, event = parsed(build_request(kickoff_event(attendees=twice)))

    assert {k.lower(): v["ROLE"] for k, v in attendees_by_email(event).items()} == {
        "am@example.com": "REQ-PARTICIPANT"
    }


def test_a_line_break_smuggled_into_a_name_cannot_add_a_property() -> None:
    sneaky = Invitee("am@example.com", "Alex\r\nATTENDEE:mailto:evil@example.com", True)
    data = build_request(kickoff_event(attendees=[sneaky]))

    assert b"\r\nATTENDEE:mailto:evil" not in data
    assert set(attendees_by_email(parsed(data)[1])) == {"am@example.com"}


@pytest.mark.parametrize("email", ["not-an-address", "a@b\r\nX: y", "", "two@@example.com"])
def test_an_unusable_address_is_refused(email: str) -> None:
    with pytest.raises(ValueError):
        Invitee(email, "Someone", True)


def test_an_event_must_end_after_it_starts_and_carry_aware_times() -> None:
    with pytest.raises(ValueError):
        kickoff_event(start=utc(2026, 3, 10, 14), end=utc(2026, 3, 10, 14))
    with pytest.raises(ValueError):
        kickoff_event(sequence=-1)
    with pytest.raises(ValueError):
        kickoff_event(dtstamp=utc(2026, 3, 2).replace(tzinfo=None))


def test_a_kickoff_uid_depends_only_on_the_kickoff_and_the_domain() -> None:
    assert kickoff_uid(42, "handoff.example") == "kickoff-42@handoff.example"


# --- feeds -----------------------------------------------------------------------------------


def test_a_feed_is_a_subscribable_calendar_with_timed_kickoffs_and_all_day_due_dates() -> None:
    items = [
        FeedItem(
            "kickoff-42@h", utc(2026, 3, 10, 14), utc(2026, 3, 10, 14, 45), "Kickoff ACME", "Agenda"
        ),
        FeedItem(
            "promise-7@h",
            utc(2026, 3, 20),
            None,
            "Send pallet specs",
            "",
            all_day=date(2026, 3, 20),
        ),
    ]
    calendar = Calendar.from_ical(build_feed("Alex's kickoffs", items, dtstamp=utc(2026, 3, 1)))
    kickoff, promise = calendar.walk("VEVENT")

    assert calendar.get("METHOD") is None
    assert calendar.get("X-WR-CALNAME") == "Alex's kickoffs"
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in build_feed("x", [], dtstamp=utc(2026, 3, 1))
    assert kickoff.decoded("DTSTART") == utc(2026, 3, 10, 14)
    assert promise.decoded("DTSTART") == date(2026, 3, 20)
    assert promise.decoded("DTEND") == date(2026, 3, 21)
    assert promise.get("TRANSP") == "TRANSPARENT"
    assert kickoff.decoded("DTSTAMP") == utc(2026, 3, 1)


def test_an_empty_feed_is_still_a_valid_calendar() -> None:
    calendar = Calendar.from_ical(build_feed("Nothing yet", [], dtstamp=utc(2026, 3, 1)))
    assert calendar.walk("VEVENT") == []


# --- agenda ----------------------------------------------------------------------------------


def test_the_agenda_walks_through_terms_declined_options_clauses_and_promises_in_order() -> None:
    lines = agenda(
        non_standard_terms=["Net 60 payment terms", "Tier price 9.40 EUR above 1,000 units"],
        declined_options=["Extended warranty"],
        clauses=["Liability cap of 2x fees"],
        open_promises=["Send pallet specs by 20 March"],
    )

    assert lines[0].startswith("Introductions and handoff")
    assert lines[1:-1] == [
        "Review non-standard terms: Net 60 payment terms",
        "Review non-standard terms: Tier price 9.40 EUR above 1,000 units",
        "Declined option: Extended warranty",
        "Clause for manual review: Liability cap of 2x fees",
        "Open promise: Send pallet specs by 20 March",
    ]
    assert lines[-1] == AGENDA_CLOSING == "Confirm first shipment and order process"


def test_an_agenda_with_nothing_negotiated_is_the_handoff_and_the_shipment_check() -> None:
    assert len(agenda([], [], ["  ", ""], [])) == 2


def test_the_agenda_text_numbers_each_line() -> None:
    assert agenda_text(["One", "Two"]) == "Agenda:\n1. One\n2. Two"

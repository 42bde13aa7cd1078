"""What an account manager who was not in the negotiation reads in the brief."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from terms.brief import (
    SECTION_TITLES,
    NoteRow,
    OptionRow,
    Person,
    TermRow,
    render_brief,
)

from .builders import AUDIT_HEAD, DIGEST, brief_data, kickoff, term
from .reading import (
    facts,
    footer_fields,
    footer_text,
    headings,
    open_brief,
    paragraph_texts,
    repeats_as_header,
    rows_text,
    table_starting_with,
)


@pytest.fixture(scope="module")
def fifty_term_brief() -> object:
    return open_brief(render_brief(brief_data(terms=50, versions=3)))


def test_brief_opens_with_a_title_naming_the_deal() -> None:
    document = open_brief(render_brief(brief_data()))
    first = document.paragraphs[0]
    assert first.style.name == "Title"
    assert first.text == "Terms brief: Acme 2027 supply"


def test_sections_appear_in_reading_order(fifty_term_brief: object) -> None:
    assert headings(fifty_term_brief) == [
        "People",
        "Kickoff",
        "What differs from standard",
        "Options and customer decisions",
        "Clauses fulfillment must check by hand",
        "Amendment history",
        "Conversation notes and promises",
    ]
    assert list(SECTION_TITLES) == headings(fifty_term_brief)


def test_title_block_gives_account_deal_refs_version_and_digest() -> None:
    document = open_brief(render_brief(brief_data(versions=3)))
    block = facts(document.tables[0])
    assert block["Account"] == "Acme Tools (CRM-0042)"
    assert block["Deal"] == "Acme 2027 supply (OPP-981) · Handoff deal 12"
    assert block["Terms version"] == "3, in force from 2027-01-01 (recorded 2026-12-20 10:02 UTC)"
    assert block["First shipment"] == "2026-12-14"
    assert block["Version digest"] == DIGEST
    assert block["Audit head at generation"] == AUDIT_HEAD


def test_people_are_listed_salesperson_first_then_account_manager_then_fulfillment() -> None:
    document = open_brief(render_brief(brief_data()))
    rows = rows_text(table_starting_with(document, "Role"))
    assert rows == [
        ["Role", "Name", "Title", "Email"],
        ["Salesperson", "Ana Seller", "Account executive", "ana@seller.example"],
        ["Account manager", "Amir Keeper", "Key accounts", "amir@seller.example"],
        ["Fulfillment lead", "Fred Packer", "Warehouse lead", "fred@seller.example"],
        ["Customer contact", "Jane Buyer", "Purchasing", "jane@acme.example"],
    ]


def test_kickoff_shows_the_time_in_the_readers_zone_and_in_utc() -> None:
    document = open_brief(render_brief(brief_data()))
    block = facts(table_starting_with(document, "Status"))
    assert block["Status"] == "Scheduled"
    assert block["Your time (America/Chicago)"] == "Tue 2026-12-01 09:00\u201309:45 (UTC-06:00)"
    assert block["UTC"] == "Tue 2026-12-01 15:00\u201315:45"
    texts = paragraph_texts(document)
    assert "Fred Packer (fulfillment, required)" in texts
    assert "Confirm the extended warranty was declined" in texts


def test_kickoff_crossing_midnight_in_the_readers_zone_names_both_days() -> None:
    late = kickoff(
        start_utc=datetime(2026, 12, 1, 14, 30, tzinfo=UTC),
        end_utc=datetime(2026, 12, 1, 15, 15, tzinfo=UTC),
        reader_timezone="Pacific/Auckland",
    )
    document = open_brief(render_brief(brief_data(kickoff=late)))
    block = facts(table_starting_with(document, "Status"))
    assert block["Your time (Pacific/Auckland)"] == ("Wed 2026-12-02 03:30\u201304:15 (UTC+13:00)")


def test_unscheduled_kickoff_is_shown_as_at_risk_without_a_time() -> None:
    unscheduled = kickoff(status="unscheduled", start_utc=None, end_utc=None)
    assert unscheduled.at_risk
    document = open_brief(render_brief(brief_data(kickoff=unscheduled)))
    block = facts(table_starting_with(document, "Status"))
    assert block["Status"] == "Not yet scheduled — at risk"
    assert "UTC" not in block
    assert any("No time has been found yet" in text for text in paragraph_texts(document))


def test_unknown_reader_time_zone_falls_back_to_utc_only() -> None:
    document = open_brief(render_brief(brief_data(kickoff=kickoff(reader_timezone="Mars/Base"))))
    block = facts(table_starting_with(document, "Status"))
    assert block["UTC"] == "Tue 2026-12-01 15:00\u201315:45"
    assert not any(label.startswith("Your time") for label in block)


def test_every_term_has_a_row_with_agreed_standard_window_note_and_who(
    fifty_term_brief: object,
) -> None:
    table = table_starting_with(fifty_term_brief, "Term")
    rows = rows_text(table)
    assert rows[0] == ["Term", "Agreed", "Standard it replaces", "Valid", "Why", "Agreed by"]
    assert len(rows) == 51
    for n, row in enumerate(rows[1:], start=1):
        expected = term(n)
        assert row == [
            expected.kind_label,
            expected.agreed,
            expected.standard or "No standard",
            expected.window,
            expected.note,
            f"{expected.agreed_by}\n{expected.agreed_on.isoformat()}",
        ]


def test_term_replacing_a_list_price_shows_the_money_with_its_currency() -> None:
    document = open_brief(render_brief(brief_data()))
    first = rows_text(table_starting_with(document, "Term"))[1]
    assert first[1] == "A-101: 9.75 USD per unit, 1 to 99 units"
    assert first[2] == "List price 12.00 USD"


def test_header_row_of_every_table_repeats_on_each_page(fifty_term_brief: object) -> None:
    for first in ("Role", "Term", "Version", "When (UTC)", "Due"):
        table = table_starting_with(fifty_term_brief, first)
        assert repeats_as_header(table.rows[0]), first
        assert not any(repeats_as_header(row) for row in table.rows[1:]), first


def test_option_line_gives_decision_signer_typed_name_and_time() -> None:
    texts = paragraph_texts(open_brief(render_brief(brief_data())))
    assert "Extended warranty — DECLINED — signed by Jane Buyer, 2026-11-20 17:04 UTC" in texts
    assert "Terms offered: 3 years parts and labour, SKU WARR-EXT" in texts
    assert "Carton labelling — PENDING — no signed decision yet" in texts


def test_option_signed_in_another_zone_is_shown_in_utc() -> None:
    from zoneinfo import ZoneInfo

    option = OptionRow(
        "Extended warranty",
        "",
        "accepted",
        "Jane Buyer",
        datetime(2026, 11, 20, 11, 4, tzinfo=ZoneInfo("America/Chicago")),
    )
    texts = paragraph_texts(open_brief(render_brief(brief_data(options=(option,)))))
    assert "Extended warranty — ACCEPTED — signed by Jane Buyer, 2026-11-20 17:04 UTC" in texts


def test_clauses_to_check_by_hand_are_listed() -> None:
    document = open_brief(render_brief(brief_data()))
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "Customer logo on every carton" in bullets
    assert "Packing list in Spanish and English" in bullets


def test_amendment_history_gives_each_version_reason_and_author() -> None:
    document = open_brief(render_brief(brief_data(versions=3)))
    assert rows_text(table_starting_with(document, "Version")) == [
        ["Version", "In force from", "Reason", "By", "Recorded (UTC)"],
        ["2", "2027-01-01", "Price cut agreed by phone with Jane Buyer (change 1)", "Ana Seller",
         "2026-12-20 10:02"],
        ["3", "2027-02-01", "Price cut agreed by phone with Jane Buyer (change 2)", "Ana Seller",
         "2026-12-27 10:02"],
    ]  # fmt: skip


def test_notes_are_in_time_order_and_open_promises_come_first_by_due_date() -> None:
    document = open_brief(render_brief(brief_data()))
    notes = rows_text(table_starting_with(document, "When (UTC)"))
    assert [row[0] for row in notes[1:]] == ["2026-11-21 09:15", "2026-11-22 16:30"]
    promises = rows_text(table_starting_with(document, "Due"))
    assert promises[1:] == [
        ["2026-11-28", "Confirm forwarder pickup window", "Fred Packer", "Open"],
        ["2026-12-01", "Send carton artwork proof", "Amir Keeper", "Open"],
        ["2026-11-25", "Share the 2027 price list", "Ana Seller", "Done"],
    ]


def test_footer_gives_version_digest_audit_head_and_page_numbers() -> None:
    document = open_brief(render_brief(brief_data(versions=3)))
    text = footer_text(document)
    assert "Terms version 3, in force from 2027-01-01" in text
    assert f"Version digest: {DIGEST}" in text
    assert f"Audit head at generation: {AUDIT_HEAD}" in text
    assert footer_fields(document) == ["PAGE", "NUMPAGES"]
    assert "«" not in text


def test_header_names_the_account_and_deal() -> None:
    document = open_brief(render_brief(brief_data()))
    header = document.sections[0].header.paragraphs[0].text
    assert header == "Handoff terms brief\tAcme Tools · OPP-981 · version 2"


def test_empty_sections_still_appear_and_say_there_is_nothing() -> None:
    data = replace(
        brief_data(versions=1),
        people=(),
        terms=(),
        options=(),
        clauses=(),
        notes=(),
        promises=(),
        kickoff=kickoff(attendees=(), agenda=()),
    )
    document = open_brief(render_brief(data))
    assert headings(document) == list(SECTION_TITLES)
    texts = paragraph_texts(document)
    for line in (
        "No people recorded.",
        "No terms differ from standard in this version.",
        "No options in this version.",
        "None: every term is checked automatically.",
        "No amendments: these are the terms agreed at close.",
        "No conversation notes.",
        "No promises made.",
    ):
        assert line in texts


def test_text_with_markup_line_breaks_and_control_characters_is_shown_safely() -> None:
    odd = TermRow(
        "Clause",
        'Ship <b>only</b> & label "fragile"\nsecond line',
        None,
        "always",
        "Bell\x07 character pasted from a chat",
        "Ana Seller",
        date(2026, 11, 20),
    )
    note = NoteRow(datetime(2026, 11, 21, 9, 0), "Ana", "chat", "a\tb")  # naive: taken as UTC
    document = open_brief(render_brief(replace(brief_data(), terms=(odd,), notes=(note,))))
    row = rows_text(table_starting_with(document, "Term"))[1]
    assert row[1] == 'Ship <b>only</b> & label "fragile"\nsecond line'
    assert row[4] == "Bell character pasted from a chat"
    notes = rows_text(table_starting_with(document, "When (UTC)"))
    assert notes[1] == ["2026-11-21 09:00", "Ana", "chat", "a\tb"]


def test_a_person_with_an_unknown_role_is_listed_after_the_known_roles() -> None:
    team = (Person("Legal", "Lee Counsel"), Person("Salesperson", "Ana Seller"))
    document = open_brief(render_brief(brief_data(people=team)))
    names = [row[1] for row in rows_text(table_starting_with(document, "Role"))[1:]]
    assert names == ["Ana Seller", "Lee Counsel"]


@pytest.mark.parametrize(
    ("status", "shown"), [("held", "Held"), ("cancelled", "Cancelled"), ("scheduled", "Scheduled")]
)
def test_kickoff_status_is_named(status: str, shown: str) -> None:
    document = open_brief(render_brief(brief_data(kickoff=kickoff(status=status))))
    assert facts(table_starting_with(document, "Status"))["Status"] == shown


def test_summary_counts_what_needs_attention() -> None:
    texts = paragraph_texts(open_brief(render_brief(brief_data(terms=50, versions=3))))
    assert (
        "At a glance: 50 terms, 2 options (1 pending), 2 clauses to check by hand "
        "and 2 open promises." in texts
    )


def test_brief_ends_with_a_closing_line_that_keeps_the_last_table_with_it() -> None:
    document = open_brief(render_brief(brief_data()))
    assert document.paragraphs[-1].text == "End of the terms brief for version 2."
    promises = table_starting_with(document, "Due")
    kept = [row.cells[0].paragraphs[0].paragraph_format.keep_with_next for row in promises.rows]
    assert kept[1:] == [True, True, True]


def test_terms_table_may_split_across_pages_but_short_tables_stay_whole() -> None:
    document = open_brief(render_brief(brief_data(terms=50, versions=3)))
    terms_rows = table_starting_with(document, "Term").rows[1:]
    assert not any(r.cells[0].paragraphs[0].paragraph_format.keep_with_next for r in terms_rows)
    people_rows = table_starting_with(document, "Role").rows[1:]
    kept = [r.cells[0].paragraphs[0].paragraph_format.keep_with_next for r in people_rows]
    assert kept == [True, True, True, None]

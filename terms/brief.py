"""The Word terms brief: one document that tells a reader who was not in the negotiation what
was promised, to whom, by whom, and what differs from standard.

Pure: standard library and python-docx only. The service layer hands over plain values that are
already worded (labels, amounts, windows), so the brief knows nothing of the term kinds.

Look (styles, numbering, header, footer, page set-up) comes from ``templates/brief.docx``, made
by ``tools/make_brief_template.py``; this module writes content and refers to styles by id. The
body is written as WordprocessingML text and parsed once: going through python-docx objects
cell by cell costs several times more and could not mark header rows, fixed widths or
non-splitting rows without dropping to XML anyway.

The same ``BriefData`` always gives the same bytes: no clock, no random ids, fixed document
properties, and a zip re-written with fixed entry order and timestamps.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, localcontext
from functools import cache
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Twips

__all__ = [
    "SECTION_TITLES",
    "Amendment",
    "BriefData",
    "KickoffInfo",
    "NoteRow",
    "OptionRow",
    "Person",
    "PromiseRow",
    "TermRow",
    "brief_filename",
    "format_money",
    "render_brief",
    "repack_docx",
]


@dataclass(frozen=True)
class Person:
    """Someone the reader may need to reach; ``role`` like "Salesperson" or "Customer contact"."""

    role: str
    name: str
    email: str = ""
    title: str = ""


@dataclass(frozen=True)
class KickoffInfo:
    """The kickoff meeting; ``status`` is scheduled, unscheduled, held or cancelled."""

    status: str
    start_utc: datetime | None
    end_utc: datetime | None
    reader_timezone: str
    attendees: tuple[str, ...]
    agenda: tuple[str, ...]

    @property
    def at_risk(self) -> bool:
        """No slot could be found: the deal shows "kickoff at risk"."""
        return self.status == "unscheduled"


@dataclass(frozen=True)
class TermRow:
    """One agreed term, already worded; ``standard`` is None when it replaces nothing."""

    kind_label: str
    agreed: str
    standard: str | None
    window: str
    note: str
    agreed_by: str
    agreed_on: date


@dataclass(frozen=True)
class OptionRow:
    """An option the customer decided on; ``decision`` is ACCEPTED, DECLINED or PENDING."""

    name: str
    terms: str
    decision: str
    signed_by: str | None
    signed_at: datetime | None


@dataclass(frozen=True)
class Amendment:
    """One amendment; ``number`` is the terms version it made."""

    number: int
    effective_from: date
    reason: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class NoteRow:
    """A written record of a conversation with the customer."""

    at: datetime
    author: str
    channel: str
    text: str


@dataclass(frozen=True)
class PromiseRow:
    """Something we promised the customer, with its due date."""

    text: str
    due: date
    owner: str
    done: bool


@dataclass(frozen=True)
class BriefData:
    """Everything one brief shows, for one terms version, as plain worded values."""

    account_name: str
    account_ref: str
    deal_title: str
    deal_ref: str
    deal_id: int
    currency: str
    version_number: int
    version_effective_from: date
    version_created_at: datetime
    digest: str
    audit_head: str
    closed_at: datetime
    first_shipment_date: date
    people: tuple[Person, ...]
    kickoff: KickoffInfo
    terms: tuple[TermRow, ...]
    options: tuple[OptionRow, ...]
    clauses: tuple[str, ...]
    amendments: tuple[Amendment, ...]
    notes: tuple[NoteRow, ...]
    promises: tuple[PromiseRow, ...]
    page_size: str = "A4"


# -- Public helpers ---------------------------------------------------------------------------

# ISO 4217 currencies whose minor unit is not the cent.
_MINOR_UNITS = {
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    "CLF": 4,
    **dict.fromkeys(
        (
            "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
            "VND", "VUV", "XAF", "XOF", "XPF",
        ),
        0,
    ),
}  # fmt: skip
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def format_money(amount: Decimal, currency: str) -> str:
    """An amount with thousands separators and its currency code, e.g. "1,234.50 USD"."""
    code = currency.strip().upper()
    if not _CURRENCY_CODE.fullmatch(code):
        raise ValueError(f"not an ISO 4217 currency code: {currency!r}")
    if not amount.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    with localcontext() as context:
        context.prec = 200
        exponent = amount.normalize().as_tuple().exponent
        assert isinstance(exponent, int)  # finite, checked above
        # Never round an agreed price away: show the currency's minor units, or more digits
        # when the amount has them (a unit price of 0.125 USD stays 0.125).
        places = max(_MINOR_UNITS.get(code, 2), -exponent)
        shown = amount.quantize(Decimal(1).scaleb(-places))
        if shown.is_zero():
            shown = abs(shown)
        return f"{shown:,f} {code}"


_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def brief_filename(data: BriefData) -> str:
    """A safe download name, e.g. "handoff-brief-OPP-981-v2.docx"."""
    ref = _UNSAFE_FILENAME.sub("-", data.deal_ref).strip("-.")[:60].rstrip("-.")
    return f"handoff-brief-{ref or f'deal-{data.deal_id}'}-v{data.version_number}.docx"


_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_FIRST_ENTRIES = ("[Content_Types].xml", "_rels/.rels")


def repack_docx(blob: bytes) -> bytes:
    """The same .docx with a fixed entry order and timestamps, so equal content gives equal bytes.

    python-docx stamps every zip entry with the current time.
    """
    with zipfile.ZipFile(io.BytesIO(blob)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    names = [n for n in _FIRST_ENTRIES if n in entries]
    names += sorted(n for n in entries if n not in _FIRST_ENTRIES)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, entries[name])
    return out.getvalue()


# -- Rendering --------------------------------------------------------------------------------

# Page sizes in twips; the template's margins leave 9638 twips (170 mm) of text width on A4,
# the narrower of the two, and every table is laid out to exactly that width.
_PAGE_SIZES = {"a4": (11906, 16838), "letter": (12240, 15840)}
_TEXT_WIDTH = 9638

_ROLE_ORDER = ("salesperson", "account manager", "fulfillment lead", "customer contact")
_UTC_NAMES = frozenset({"UTC", "ETC/UTC", "UCT", "ETC/UCT", "ZULU", "ETC/ZULU", "UNIVERSAL"})
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DASH = "\u2014"
_EN_DASH = "\u2013"

SECTION_TITLES = (
    "People",
    "Kickoff",
    "What differs from standard",
    "Options and customer decisions",
    "Clauses fulfillment must check by hand",
    "Amendment history",
    "Conversation notes and promises",
)


def render_brief(data: BriefData) -> bytes:
    """The terms brief of one terms version as .docx bytes."""
    page = _PAGE_SIZES.get(data.page_size.strip().lower())
    if page is None:
        raise ValueError(f"page size must be A4 or Letter, not {data.page_size!r}")
    document = Document(io.BytesIO(_template_bytes()))
    # Swapping in a whole new body is cheaper than moving hundreds of elements into the old one.
    old_body = document.element.body
    body = parse_xml(f"<w:body {nsdecls('w')}>{''.join(_body(data))}</w:body>")
    body.append(old_body.sectPr)
    old_body.getparent().replace(old_body, body)

    section = document.sections[0]
    section.page_width, section.page_height = Twips(page[0]), Twips(page[1])
    _fill_placeholders(
        section.header.paragraphs,
        # Kept short so that it stays on one line beside the right-aligned tab.
        {
            "«header»": f"{data.account_name} · {data.deal_ref or data.deal_id} · version "
            f"{data.version_number}"
        },
    )
    _fill_placeholders(
        section.footer.paragraphs,
        {
            "«version_line»": (
                f"Terms version {data.version_number}, "
                f"in force from {data.version_effective_from.isoformat()}"
            ),
            "«digest»": data.digest,
            "«audit_head»": data.audit_head,
        },
    )
    _set_properties(document.core_properties, data)

    out = io.BytesIO()
    document.save(out)
    return repack_docx(out.getvalue())


@cache
def _template_bytes() -> bytes:
    return resources.files("terms").joinpath("templates/brief.docx").read_bytes()


def _fill_placeholders(paragraphs: Iterable[Any], values: dict[str, str]) -> None:
    for paragraph in paragraphs:
        for run in paragraph.runs:
            if run.text in values:
                run.text = _clean(values[run.text])


def _set_properties(core: Any, data: BriefData) -> None:
    stamp = _utc(data.version_created_at).replace(microsecond=0)
    values: dict[str, object] = {
        "author": "Handoff",
        "last_modified_by": "Handoff",
        "title": _clean(
            f"Terms brief {_DASH} {data.deal_title} {_DASH} version {data.version_number}"
        ),
        "subject": _clean(f"{data.account_name} {_DASH} {data.deal_ref}"),
        "identifier": f"sha256:{_clean(data.digest)}",
        "keywords": "",
        "comments": "",
        "category": "Terms brief",
        "revision": data.version_number,
        "created": stamp,
        "modified": stamp,
    }
    for name, value in values.items():
        setattr(core, name, value)


# -- Body -------------------------------------------------------------------------------------


def _body(data: BriefData) -> Iterable[str]:
    yield from _title_block(data)
    yield from _people(data)
    yield from _kickoff(data)
    yield from _terms(data)
    yield from _options(data)
    yield from _clauses(data)
    yield from _amendments(data)
    yield from _notes_and_promises(data)
    # Word wants the body to end with a paragraph, not a table; the table before it keeps its
    # last row with it, so that this line never stands alone on a page.
    yield _paragraph(_run(f"End of the terms brief for version {data.version_number}."), "BriefEnd")


def _title_block(data: BriefData) -> Iterable[str]:
    yield _paragraph(_run(f"Terms brief: {data.deal_title}"), "Title")
    yield _paragraph(_run(f"{data.account_name} · terms version {data.version_number}"), "Subtitle")
    facts: list[tuple[str, str]] = [
        ("Account", _run(_with_ref(data.account_name, data.account_ref))),
        (
            "Deal",
            _run(f"{_with_ref(data.deal_title, data.deal_ref)} · Handoff deal {data.deal_id}"),
        ),
        (
            "Terms version",
            _run(
                f"{data.version_number}, in force from {data.version_effective_from.isoformat()}"
                f" (recorded {_when(data.version_created_at)})"
            ),
        ),
        ("Deal closed", _run(_when(data.closed_at))),
        ("First shipment", _run(data.first_shipment_date.isoformat())),
        ("Currency", _run(data.currency)),
        ("Version digest", _digest_run(data.digest)),
        ("Audit head at generation", _digest_run(data.audit_head)),
    ]
    yield _facts(facts)
    yield _paragraph(_run(_summary(data)), "BriefLead")


def _summary(data: BriefData) -> str:
    pending = sum(1 for o in data.options if _decision(o) == "PENDING")
    open_promises = sum(1 for p in data.promises if not p.done)
    parts = [
        _count(len(data.terms), "term"),
        _count(len(data.options), "option") + (f" ({pending} pending)" if pending else ""),
        _count(len(data.clauses), "clause") + " to check by hand",
        _count(open_promises, "open promise"),
    ]
    return f"At a glance: {', '.join(parts[:-1])} and {parts[-1]}."


def _people(data: BriefData) -> Iterable[str]:
    yield _heading(SECTION_TITLES[0], 1)
    people = sorted(data.people, key=_role_rank)
    if not people:
        yield _none("No people recorded.")
        return
    yield _table(
        (("Role", 1800), ("Name", 2300), ("Title", 2400), ("Email", 3138)),
        ((p.role, p.name, p.title, p.email) for p in people),
    )


def _role_rank(person: Person) -> int:
    role = person.role.strip().lower()
    return _ROLE_ORDER.index(role) if role in _ROLE_ORDER else len(_ROLE_ORDER)


def _kickoff(data: BriefData) -> Iterable[str]:
    kickoff = data.kickoff
    yield _heading(SECTION_TITLES[1], 1)
    status = kickoff.status.strip().lower()
    facts: list[tuple[str, str]] = []
    if kickoff.at_risk:
        facts.append(("Status", _run(f"Not yet scheduled {_DASH} at risk", style="Alert")))
    elif status == "cancelled":
        facts.append(("Status", _run("Cancelled", style="Alert")))
    else:
        facts.append(("Status", _run(status.capitalize() or "Unknown")))
    if kickoff.start_utc is not None and kickoff.end_utc is not None and not kickoff.at_risk:
        zone, zone_label = _reader_zone(kickoff.reader_timezone)
        if zone_label.upper() not in _UTC_NAMES:
            facts.append(
                (f"Your time ({zone_label})", _run(_span(kickoff.start_utc, kickoff.end_utc, zone)))
            )
        facts.append(("UTC", _run(_span(kickoff.start_utc, kickoff.end_utc, UTC))))
    facts.append(("First shipment", _run(data.first_shipment_date.isoformat())))
    yield _facts(facts)
    if kickoff.at_risk:
        yield _paragraph(
            _run(
                "No time has been found yet when every required attendee is free before the "
                f"deadline. The first shipment is {data.first_shipment_date.isoformat()}; "
                "orders shipping from then are flagged KICKOFF_NOT_HELD until it is held."
            )
        )
    yield _heading("Attendees", 2)
    yield from _list(kickoff.attendees, "ListBullet", "No attendees listed.")
    yield _heading("Agenda", 2)
    yield from _list(kickoff.agenda, "ListNumber", "No agenda yet.")


def _terms(data: BriefData) -> Iterable[str]:
    yield _heading(SECTION_TITLES[2], 1)
    if not data.terms:
        yield _none("No terms differ from standard in this version.")
        return
    yield _paragraph(
        _run(
            f"Every term of version {data.version_number}, in the deal currency "
            f"({data.currency}). Each replaces the standard value shown beside it; a term with "
            "no standard value adds to the standard terms."
        ),
        keep_next=True,
    )
    rows: list[Sequence[str | _Runs]] = []
    for term in data.terms:
        standard = (
            _Runs(_run(term.standard)) if term.standard else _Runs(_run("No standard", italic=True))
        )
        rows.append(
            (
                term.kind_label,
                _Runs(_run(term.agreed, bold=True)),
                standard,
                term.window,
                term.note,
                f"{term.agreed_by}\n{term.agreed_on.isoformat()}",
            )
        )
    yield _table(
        (
            ("Term", 1450),
            ("Agreed", 2100),
            ("Standard it replaces", 1750),
            ("Valid", 1250),
            ("Why", 1950),
            ("Agreed by", 1138),
        ),
        rows,
        # The main table: better split, with its header repeated, than leave a half-empty page.
        may_keep_together=False,
    )


def _options(data: BriefData) -> Iterable[str]:
    yield _heading(SECTION_TITLES[3], 1)
    if not data.options:
        yield _none("No options in this version.")
        return
    for option in data.options:
        decision = _decision(option)
        if option.signed_by:
            signed = f"signed by {option.signed_by}"
            signed += f", {_when(option.signed_at)}" if option.signed_at else " (time not recorded)"
        elif decision == "PENDING":
            signed = "no signed decision yet"
        else:
            signed = "not signed"
        headline = _run(f"{option.name} {_DASH} ", bold=True) + _run(
            decision, bold=True, style="Alert" if decision == "PENDING" else ""
        )
        yield _paragraph(headline + _run(f" {_DASH} {signed}"), keep_next=bool(option.terms))
        if option.terms:
            yield _paragraph(_run(f"Terms offered: {option.terms}"), "BriefDetail")


def _decision(option: OptionRow) -> str:
    return option.decision.strip().upper() or "PENDING"


def _clauses(data: BriefData) -> Iterable[str]:
    yield _heading(SECTION_TITLES[4], 1)
    if data.clauses:
        yield _paragraph(
            _run("Orders are not checked against these automatically: check each one by hand."),
            keep_next=True,
        )
    yield from _list(data.clauses, "ListBullet", "None: every term is checked automatically.")


def _amendments(data: BriefData) -> Iterable[str]:
    yield _heading(SECTION_TITLES[5], 1)
    amendments = sorted(data.amendments, key=lambda a: a.number)
    if not amendments:
        yield _none("No amendments: these are the terms agreed at close.")
        return
    yield _table(
        (
            ("Version", 900),
            ("In force from", 1300),
            ("Reason", 4438),
            ("By", 1500),
            ("Recorded (UTC)", 1500),
        ),
        (
            (
                str(a.number),
                a.effective_from.isoformat(),
                a.reason,
                a.author,
                _minute(a.created_at),
            )
            for a in amendments
        ),
    )


def _notes_and_promises(data: BriefData) -> Iterable[str]:
    yield _heading(SECTION_TITLES[6], 1)
    yield _heading("Notes", 2)
    notes = sorted(data.notes, key=lambda n: (_utc(n.at), n.author, n.channel, n.text))
    if notes:
        yield _table(
            (("When (UTC)", 1500), ("Who", 1500), ("Channel", 1000), ("What was said", 5638)),
            ((_minute(n.at), n.author, n.channel, n.text) for n in notes),
        )
    else:
        yield _none("No conversation notes.")
    yield _heading("Promises", 2)
    promises = sorted(data.promises, key=lambda p: (p.done, p.due, p.text, p.owner))
    if promises:
        yield _table(
            (("Due", 1200), ("Promise", 5338), ("Owner", 2000), ("Status", 1100)),
            (
                (
                    p.due.isoformat(),
                    p.text,
                    p.owner,
                    _Runs(_run("Done")) if p.done else _Runs(_run("Open", bold=True)),
                )
                for p in promises
            ),
            keep_with_next=True,
        )
    else:
        yield _none("No promises made.")


# -- Words ------------------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    # The service stores UTC; a naive value is taken to be UTC rather than local time.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return _utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def _minute(moment: datetime) -> str:
    """A UTC time for a column whose heading already says UTC."""
    return f"{_utc(moment):%Y-%m-%d %H:%M}"


def _reader_zone(name: str) -> tuple[tzinfo, str]:
    try:
        return ZoneInfo(name), name
    except (ZoneInfoNotFoundError, ValueError):
        return UTC, "UTC"


def _span(start: datetime, end: datetime, zone: tzinfo) -> str:
    local_start, local_end = _utc(start).astimezone(zone), _utc(end).astimezone(zone)
    text = f"{_day(local_start)} {local_start:%H:%M}{_EN_DASH}"
    if local_end.date() == local_start.date():
        text += f"{local_end:%H:%M}"
    else:
        text += f"{_day(local_end)} {local_end:%H:%M}"
    if zone is UTC:
        return text
    return f"{text} (UTC{_offset(local_start)})"


def _day(moment: datetime) -> str:
    return f"{_WEEKDAYS[moment.weekday()]} {moment.date().isoformat()}"


def _offset(moment: datetime) -> str:
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def _with_ref(name: str, ref: str) -> str:
    return f"{name} ({ref})" if ref else name


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# -- WordprocessingML ---------------------------------------------------------------------------

# Characters XML 1.0 cannot carry; dropped rather than failing the whole brief.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class _Runs:
    """Cell content that is already a sequence of runs (as opposed to plain text)."""

    xml: str


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _text(text: str) -> str:
    """Run content: line breaks and tabs become Word's own, everything else is escaped."""
    parts: list[str] = []
    lines = _clean(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return "".join(parts)


def _run(text: str, *, style: str = "", bold: bool = False, italic: bool = False) -> str:
    props = (
        (f'<w:rStyle w:val="{style}"/>' if style else "")
        + ("<w:b/>" if bold else "")
        + ("<w:i/>" if italic else "")
    )
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{_text(text)}</w:r>"


def _digest_run(text: str) -> str:
    # The Digest style says Courier New, but LibreOffice lets a table style's font override a
    # character style inside table cells, so the font is also given on the run itself.
    fonts = '<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/>'
    return f'<w:r><w:rPr><w:rStyle w:val="Digest"/>{fonts}</w:rPr>{_text(text)}</w:r>'


def _paragraph(runs: str, style: str = "", *, keep_next: bool = False) -> str:
    props = (f'<w:pStyle w:val="{style}"/>' if style else "") + (
        "<w:keepNext/>" if keep_next else ""
    )
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


def _heading(text: str, level: int) -> str:
    return _paragraph(_run(text), f"Heading{level}")


def _none(text: str) -> str:
    return _paragraph(_run(text), "BriefNone")


def _list(items: Sequence[str], style: str, empty: str) -> Iterable[str]:
    if not items:
        yield _none(empty)
    for item in items:
        yield _paragraph(_run(item), style)


def _cell(
    content: str | _Runs, width: int, style: str, shading: str = "", keep_next: bool = False
) -> str:
    runs = content.xml if isinstance(content, _Runs) else _run(content) if content else ""
    keep = "<w:keepNext/>" if keep_next else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}</w:pPr>{runs}</w:p></w:tc>'
    )


_KEEP_TOGETHER_ROWS = 12
_HEADER_SHADING = '<w:shd w:val="clear" w:color="auto" w:fill="1F3864"/>'


def _table_start(style: str, widths: Sequence[int], look: str) -> str:
    assert sum(widths) == _TEXT_WIDTH, widths
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{style}"/>'
        f'<w:tblW w:w="{_TEXT_WIDTH}" w:type="dxa"/><w:tblLayout w:type="fixed"/>{look}</w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
    )


def _table(
    columns: Sequence[tuple[str, int]],
    rows: Iterable[Sequence[str | _Runs]],
    *,
    may_keep_together: bool = True,
    keep_with_next: bool = False,
) -> str:
    """A full-width table whose header row repeats on every page it runs onto.

    A short table that may be kept together is kept in one piece (each row kept with the
    next), so that a page never ends on its heading and a row or two. ``keep_with_next`` keeps
    the last row with the paragraph that follows the table.
    """
    widths = [width for _, width in columns]
    body_rows = list(rows)
    last = len(body_rows)
    keep_together = may_keep_together and last <= _KEEP_TOGETHER_ROWS
    parts = [
        _table_start(
            "BriefTable",
            widths,
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0"'
            ' w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>',
        ),
        "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
    ]
    parts.extend(
        _cell(title, width, "BriefTableHeading", _HEADER_SHADING) for title, width in columns
    )
    parts.append("</w:tr>")
    for index, row in enumerate(body_rows, start=1):
        keep_next = (keep_together and index < last) or (keep_with_next and index == last)
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        parts.extend(
            _cell(value, width, "BriefTableText", keep_next=keep_next)
            for value, width in zip(row, widths, strict=True)
        )
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _facts(rows: Sequence[tuple[str, str]]) -> str:
    """A borderless two-column table of (label, value as runs XML) rows."""
    widths = (2400, _TEXT_WIDTH - 2400)
    parts = [
        _table_start(
            "BriefFacts",
            widths,
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0"'
            ' w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>',
        )
    ]
    for label, value in rows:
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        parts.append(_cell(label, widths[0], "BriefFactLabel"))
        parts.append(_cell(_Runs(value), widths[1], "BriefFact"))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)

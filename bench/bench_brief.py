"""How long the terms brief takes, next to a bare python-docx document with the same table.

    .venv/bin/python bench/bench_brief.py [--rounds N]

The brief is for a deal with 50 terms and 3 terms versions. The baseline is what anyone would
write with python-docx alone: the built-in document, a heading, and the same 50-row table
filled cell by cell. Target: the brief takes at most 1.5 times the baseline. Both are timed in
the same run, alternating, so a slow or busy machine affects both alike.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from docx import Document

from terms.brief import (
    Amendment,
    BriefData,
    KickoffInfo,
    NoteRow,
    OptionRow,
    Person,
    PromiseRow,
    TermRow,
    format_money,
    render_brief,
)

TARGET_RATIO = 1.5
HEADINGS = ("Term", "Agreed", "Standard it replaces", "Valid", "Why", "Agreed by")


def deal(term_count: int = 50, versions: int = 3) -> BriefData:
    """A realistic deal: 50 mixed terms, 3 versions, options, notes and promises."""
    terms = tuple(
        TermRow(
            kind_label=("Unit price", "Volume cap", "Payment terms", "Incoterm", "Discount")[n % 5],
            agreed=f"A-{100 + n}: {format_money(Decimal('9.50') + n, 'USD')} per unit, 1-99 units",
            standard=None if n % 5 == 1 else f"List price {format_money(Decimal(12 + n), 'USD')}",
            window="always" if n % 2 else "2026-12-01 to 2027-06-30",
            note="Intro price to win the account from the incumbent supplier",
            agreed_by="Ana Seller",
            agreed_on=date(2026, 11, 20),
        )
        for n in range(term_count)
    )
    return BriefData(
        account_name="Acme Tools",
        account_ref="CRM-0042",
        deal_title="Acme 2027 supply",
        deal_ref="OPP-981",
        deal_id=12,
        currency="USD",
        version_number=versions,
        version_effective_from=date(2027, 2, 1),
        version_created_at=datetime(2027, 1, 20, 9, 30, tzinfo=UTC),
        digest=hashlib.sha256(b"version 3").hexdigest(),
        audit_head=hashlib.sha256(b"audit head").hexdigest(),
        closed_at=datetime(2026, 11, 20, 17, 0, tzinfo=UTC),
        first_shipment_date=date(2026, 12, 14),
        people=(
            Person("Salesperson", "Ana Seller", "ana@seller.example"),
            Person("Account manager", "Amir Keeper", "amir@seller.example"),
            Person("Fulfillment lead", "Fred Packer", "fred@seller.example"),
            Person("Customer contact", "Jane Buyer", "jane@acme.example", "Purchasing"),
        ),
        kickoff=KickoffInfo(
            status="scheduled",
            start_utc=datetime(2026, 12, 1, 15, 0, tzinfo=UTC),
            end_utc=datetime(2026, 12, 1, 15, 45, tzinfo=UTC),
            reader_timezone="America/Chicago",
            attendees=("Ana Seller", "Amir Keeper", "Fred Packer", "Jane Buyer"),
            agenda=("Agreed prices and the volume cap", "Declined warranty", "Carton logo"),
        ),
        terms=terms,
        options=(
            OptionRow(
                "Extended warranty",
                "3 years parts and labour",
                "DECLINED",
                "Jane Buyer",
                datetime(2026, 11, 20, 17, 4, tzinfo=UTC),
            ),
        ),
        clauses=("Customer logo on every carton",),
        amendments=tuple(
            Amendment(
                v,
                date(2027, 1, 1) + timedelta(days=31 * (v - 2)),
                "Price cut agreed by phone",
                "Ana Seller",
                datetime(2026, 12, 20, 10, 0, tzinfo=UTC) + timedelta(days=30 * (v - 2)),
            )
            for v in range(2, versions + 1)
        ),
        notes=(
            NoteRow(datetime(2026, 11, 22, 16, 30, tzinfo=UTC), "Amir Keeper", "call", "Agreed."),
        ),
        promises=(
            PromiseRow("Send carton artwork proof", date(2026, 12, 1), "Amir Keeper", False),
        ),
    )


def bare_document(data: BriefData) -> bytes:
    """The same terms table with plain python-docx, the way its documentation shows."""
    document = Document()
    document.add_heading("What differs from standard", level=1)
    table = document.add_table(rows=1, cols=len(HEADINGS))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, HEADINGS, strict=True):
        cell.text = heading
    for term in data.terms:
        cells = table.add_row().cells
        values = (
            term.kind_label,
            term.agreed,
            term.standard or "No standard",
            term.window,
            term.note,
            f"{term.agreed_by}\n{term.agreed_on.isoformat()}",
        )
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _time_ms(func: Callable[[BriefData], bytes], data: BriefData) -> float:
    start = time.perf_counter()
    func(data)
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description="terms brief benchmark")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    data = deal()
    for _ in range(3):  # warm-up: imports, template cache, first-call costs
        render_brief(data)
        bare_document(data)
    brief_ms: list[float] = []
    bare_ms: list[float] = []
    for _ in range(args.rounds):
        brief_ms.append(_time_ms(render_brief, data))
        bare_ms.append(_time_ms(bare_document, data))
    brief, bare = statistics.median(brief_ms), statistics.median(bare_ms)
    ratio = brief / bare
    print(f"terms brief, 50 terms, 3 versions : median {brief:7.2f} ms  ({args.rounds} rounds)")
    print(f"bare python-docx, same table      : median {bare:7.2f} ms")
    print(f"ratio brief / bare                : {ratio:.2f}  (target <= {TARGET_RATIO})")
    print(f"brief size                        : {len(render_brief(data))} bytes")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Small builders of realistic brief data: the Acme 2027 supply deal of the specification."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

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
)

DIGEST = hashlib.sha256(b"Acme 2027 supply, terms version").hexdigest()
AUDIT_HEAD = hashlib.sha256(b"audit event 118").hexdigest()


def people() -> tuple[Person, ...]:
    return (
        Person("Customer contact", "Jane Buyer", "jane@acme.example", "Purchasing"),
        Person("Fulfillment lead", "Fred Packer", "fred@seller.example", "Warehouse lead"),
        Person("Salesperson", "Ana Seller", "ana@seller.example", "Account executive"),
        Person("Account manager", "Amir Keeper", "amir@seller.example", "Key accounts"),
    )


def kickoff(**changes: Any) -> KickoffInfo:
    info = KickoffInfo(
        status="scheduled",
        start_utc=datetime(2026, 12, 1, 15, 0, tzinfo=UTC),
        end_utc=datetime(2026, 12, 1, 15, 45, tzinfo=UTC),
        reader_timezone="America/Chicago",
        attendees=(
            "Ana Seller (sales, required)",
            "Amir Keeper (account manager, required)",
            "Fred Packer (fulfillment, required)",
            "Jane Buyer (Acme Tools, optional)",
        ),
        agenda=(
            "Walk through the agreed prices and the volume cap",
            "Confirm the extended warranty was declined",
            "Carton logo: who sends the artwork, and when",
        ),
    )
    return replace(info, **changes)


def term(n: int) -> TermRow:
    """The n-th of a realistic mix of terms (n from 1)."""
    sku = f"A-{100 + n}"
    kinds = (
        lambda: TermRow(
            "Unit price",
            f"{sku}: {format_money(Decimal('10.00') - Decimal(n % 7) / 4, 'USD')} per unit, "
            "1 to 99 units",
            f"List price {format_money(Decimal('12.00'), 'USD')}",
            "always",
            "Intro price to win the account from the incumbent",
            "Ana Seller",
            date(2026, 11, 20),
        ),
        lambda: TermRow(
            "Volume cap",
            f"{sku}: at most 1,000 units at the agreed price",
            None,
            "2026-11-01 to 2027-06-30",
            "Finance limit on the discounted volume",
            "Ana Seller",
            date(2026, 11, 20),
        ),
        lambda: TermRow(
            "Payment terms",
            "Net 45, 2% discount if paid within 10 days",
            "Net 30",
            "always",
            "Customer's AP runs monthly; agreed in exchange for the 2-year commitment",
            "Ana Seller",
            date(2026, 11, 20),
        ),
        lambda: TermRow(
            "Incoterm",
            "FOB Oakland",
            "EXW Reno",
            "always",
            "Customer uses its own forwarder from the port",
            "Ana Seller",
            date(2026, 11, 20),
        ),
        lambda: TermRow(
            "Discount",
            f"{n % 5 + 5}% off list on category fasteners",
            "No discount",
            "2026-12-01 to 2027-03-31",
            "Seasonal promotion extended to this account",
            "Ana Seller",
            date(2026, 11, 21),
        ),
    )
    return kinds[(n - 1) % len(kinds)]()


def options() -> tuple[OptionRow, ...]:
    return (
        OptionRow(
            "Extended warranty",
            "3 years parts and labour, SKU WARR-EXT",
            "DECLINED",
            "Jane Buyer",
            datetime(2026, 11, 20, 17, 4, tzinfo=UTC),
        ),
        OptionRow("Carton labelling", "Customer SKU on every carton label", "PENDING", None, None),
    )


def amendments(count: int = 1) -> tuple[Amendment, ...]:
    return tuple(
        Amendment(
            number=v,
            effective_from=date(2027, 1, 1) + timedelta(days=31 * (v - 2)),
            reason=f"Price cut agreed by phone with Jane Buyer (change {v - 1})",
            author="Ana Seller",
            created_at=datetime(2026, 12, 20, 10, 2, tzinfo=UTC) + timedelta(days=7 * (v - 2)),
        )
        for v in range(2, count + 2)
    )


def notes() -> tuple[NoteRow, ...]:
    return (
        NoteRow(
            datetime(2026, 11, 22, 16, 30, tzinfo=UTC),
            "Amir Keeper",
            "call",
            "Told Jane the extended warranty was declined; she agreed.",
        ),
        NoteRow(
            datetime(2026, 11, 21, 9, 15, tzinfo=UTC),
            "Ana Seller",
            "email",
            "Jane asked whether the intro price also covers A-200; told her it does not.",
        ),
    )


def promises() -> tuple[PromiseRow, ...]:
    return (
        PromiseRow("Send carton artwork proof", date(2026, 12, 1), "Amir Keeper", False),
        PromiseRow("Share the 2027 price list", date(2026, 11, 25), "Ana Seller", True),
        PromiseRow("Confirm forwarder pickup window", date(2026, 11, 28), "Fred Packer", False),
    )


def brief_data(terms: int = 6, versions: int = 2, **changes: Any) -> BriefData:
    data = BriefData(
        account_name="Acme Tools",
        account_ref="CRM-0042",
        deal_title="Acme 2027 supply",
        deal_ref="OPP-981",
        deal_id=12,
        currency="USD",
        version_number=versions,
        version_effective_from=date(2027, 1, 1) if versions > 1 else date(2026, 11, 20),
        version_created_at=datetime(2026, 12, 20, 10, 2, tzinfo=UTC),
        digest=DIGEST,
        audit_head=AUDIT_HEAD,
        closed_at=datetime(2026, 11, 20, 17, 0, tzinfo=UTC),
        first_shipment_date=date(2026, 12, 14),
        people=people(),
        kickoff=kickoff(),
        terms=tuple(term(n) for n in range(1, terms + 1)),
        options=options(),
        clauses=(
            "Customer logo on every carton",
            "Packing list in Spanish and English",
        ),
        amendments=amendments(versions - 1),
        notes=notes(),
        promises=promises(),
    )
    return replace(data, **changes)

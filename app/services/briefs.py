"""The Word terms brief: the record of one version worded for the account manager."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import (
    AuditEvent,
    Deal,
    Kickoff,
    Note,
    OutboxMessage,
    Promise,
    TermsVersionRow,
    User,
)
from app.mail import Attachment
from app.policy import require
from app.services import catalog, kickoffs
from app.services.deals import get_deal
from app.services.record import get_version, signed_decisions, term_from_row
from terms import brief as doc
from terms.kinds import describe_term, get_kind, standard_counterpart
from terms.model import Term


def _window(term: Term) -> str:
    if term.valid_from and term.valid_to:
        return f"{term.valid_from.isoformat()} to {term.valid_to.isoformat()}"
    if term.valid_from:
        return f"from {term.valid_from.isoformat()}"
    if term.valid_to:
        return f"until {term.valid_to.isoformat()}"
    return "always"


def _people(deal: Deal) -> tuple[doc.Person, ...]:
    people = [
        doc.Person("Salesperson", deal.sales_owner.name, deal.sales_owner.email),
        doc.Person("Account manager", deal.account_manager.name, deal.account_manager.email),
        doc.Person("Fulfillment lead", deal.fulfillment_lead.name, deal.fulfillment_lead.email),
    ]
    people += [doc.Person("Customer contact", c.name, c.email, c.title) for c in deal.contacts]
    return tuple(people)


def _kickoff(session: Session, deal: Deal, version: TermsVersionRow, reader: User | None)\
        -> doc.KickoffInfo:
    k = session.scalar(select(Kickoff).where(Kickoff.deal_id == deal.id))
    zone = reader.timezone if reader else deal.account_manager.timezone
    if k is None:
        return doc.KickoffInfo("unscheduled", None, None, zone, (), ())
    names = tuple(f"{u.name} (required)" for u in kickoffs.required_people(deal)) + tuple(
        f"{c.name}, {deal.account.name} (optional)" for c in deal.contacts)
    return doc.KickoffInfo(k.status, k.start, k.end, zone, names,
                           tuple(kickoffs.agenda_for(session, deal, version)))


def _term_rows(session: Session, deal: Deal, version: TermsVersionRow) -> tuple[doc.TermRow, ...]:
    standard = catalog.current_standard_terms(session)
    terms = [(e.term, term_from_row(e.term)) for e in version.entries]
    products = catalog.products_by_sku(session, [str(t.params["sku"]) for _, t in terms
                                                 if t.params.get("sku")])

    def list_price(sku: str) -> tuple[Decimal, str] | None:
        product = products.get(sku)
        return (product.list_price, product.currency) if product else None

    authors = {v.number: v.author.name for v in deal.versions}
    return tuple(
        doc.TermRow(kind_label=get_kind(t.kind).label, agreed=describe_term(t, deal.currency),
                    standard=standard_counterpart(t, standard, list_price), window=_window(t),
                    note=t.note, agreed_by=authors.get(row.introduced_in, ""),
                    agreed_on=row.created_at.date())
        for row, t in terms
    )


def _options(session: Session, version: TermsVersionRow) -> tuple[doc.OptionRow, ...]:
    signed = signed_decisions(session, version)
    rows = []
    for entry in version.entries:
        t = term_from_row(entry.term)
        if t.kind != "option":
            continue
        sig = signed.get(str(t.params["name"]))
        decision = str(t.params["decision"])
        if sig is not None:
            decision = next(d["decision"] for d in sig.decisions if d["option"] == t.params["name"])
        rows.append(doc.OptionRow(
            name=str(t.params["name"]).replace("_", " ").capitalize(),
            terms=str(t.params.get("terms") or ""),
            decision={"accept": "ACCEPTED", "decline": "DECLINED"}.get(decision, "PENDING"),
            signed_by=sig.typed_name if sig else None, signed_at=sig.signed_at if sig else None))
    return tuple(rows)


def _history(deal: Deal, version: TermsVersionRow) -> tuple[doc.Amendment, ...]:
    return tuple(doc.Amendment(v.number, v.effective_from, v.reason, v.author.name, v.created_at)
                 for v in deal.versions if v.number <= version.number)


def _notes(session: Session, deal: Deal, until: datetime | None) -> tuple[doc.NoteRow, ...]:
    notes = session.scalars(select(Note).where(Note.deal_id == deal.id).order_by(Note.id))
    return tuple(doc.NoteRow(n.created_at, n.author.name, n.channel, n.text) for n in notes
                 if until is None or n.created_at <= until)


def _promises(session: Session, deal: Deal, today: date) -> tuple[doc.PromiseRow, ...]:
    promises = session.scalars(select(Promise).where(Promise.deal_id == deal.id)
                               .order_by(Promise.due, Promise.id))
    owners = {u.id: u.name for u in session.scalars(select(User))}
    return tuple(doc.PromiseRow(p.text, p.due, owners.get(p.owner_id, ""), p.due < today)
                 for p in promises)


def deal_anchor(session: Session, deal: Deal) -> str:
    """The hash of the newest audit event about this deal: the brief's place in the chain.
    (The global head moves with every change anywhere; this one moves only with the deal.)"""
    event = session.scalar(select(AuditEvent).where(
        AuditEvent.entity == "deal", AuditEvent.entity_id == str(deal.id))
        .order_by(AuditEvent.seq.desc()).limit(1))
    return event.hash if event else "0" * 64


def brief_data(session: Session, deal: Deal, number: int | None = None,
               reader: User | None = None) -> doc.BriefData:
    version = get_version(session, deal, number) if number else deal.versions[-1]
    return doc.BriefData(
        account_name=deal.account.name, account_ref=deal.account.external_ref or "",
        deal_title=deal.title, deal_ref=deal.external_ref or "", deal_id=deal.id,
        currency=deal.currency, version_number=version.number,
        version_effective_from=version.effective_from, version_created_at=version.created_at,
        digest=version.digest, audit_head=deal_anchor(session, deal), closed_at=deal.closed_at,
        first_shipment_date=deal.first_shipment_date, people=_people(deal),
        kickoff=_kickoff(session, deal, version, reader), terms=_term_rows(session, deal, version),
        options=_options(session, version),
        clauses=tuple(str(term_from_row(e.term).params["text"]) for e in version.entries
                      if e.term.kind == "clause"),
        amendments=_history(deal, version), notes=_notes(session, deal, None),
        promises=_promises(session, deal, clock.today()),
    )


def render(session: Session, deal: Deal, number: int | None = None,
           reader: User | None = None) -> tuple[str, bytes]:
    data = brief_data(session, deal, number, reader)
    return doc.brief_filename(data), doc.render_brief(data)


def brief_for(session: Session, actor: User, deal_id: int, number: int | None)\
        -> tuple[str, bytes]:
    """The brief of a version (default the newest) for a signed-in reader."""
    require(actor, "read")
    return render(session, get_deal(session, deal_id), number, actor)


def attachment_for(message: OutboxMessage) -> Attachment | None:
    """Invitations carry the brief of the version they announce."""
    if message.kind != "invitation" or message.deal_id is None:
        return None
    from app.extensions import db

    deal = db.session.get(Deal, message.deal_id)
    if deal is None:
        return None
    name, content = render(db.session, deal, message.brief_version)
    return Attachment(name, content)

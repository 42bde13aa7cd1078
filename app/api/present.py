"""Records turned into the response shapes of the SPEC."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    Acknowledgement,
    Deal,
    Kickoff,
    Note,
    Signature,
    TermsVersionRow,
    User,
)
from app.services import kickoffs as kickoff_service
from app.services.paging import Page
from app.services.record import AckState, Lineage, ack_state, signatures_of, term_from_row
from terms.diff import TermsDiff, diff_to_json
from terms.kinds import describe_term
from terms.model import Term
from terms.parse import term_to_json


def page(p: Page[Any], item: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    return {"items": [item(x) for x in p.items], "page": p.page, "per_page": p.per_page,
            "total": p.total, "pages": p.pages}


def term(t: Term, currency: str) -> dict[str, Any]:
    body = term_to_json(t)
    body["summary"] = describe_term(t, currency)
    return body


def signature(s: Signature) -> dict[str, Any]:
    signer = ({"contact_id": s.signer_contact_id} if s.signer_contact_id
              else {"user_id": s.signer_user_id})
    return {"id": s.id, "version": s.version.number, "digest": s.digest, "signer": signer,
            "typed_name": s.typed_name, "decisions": s.decisions, "signed_at": s.signed_at,
            "ip": s.ip, "user_agent": s.user_agent, "recorded_by_id": s.recorded_by_id}


def acknowledgement(a: Acknowledgement) -> dict[str, Any]:
    return {"id": a.id, "version": a.version.number, "user_id": a.user_id,
            "name": a.user.name, "acknowledged_at": a.acknowledged_at}


def version(v: TermsVersionRow, currency: str, session: Session | None = None,
            full: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "number": v.number, "digest": v.digest, "effective_from": v.effective_from,
        "reason": v.reason, "author_id": v.author_id, "author": v.author.name,
        "created_at": v.created_at,
        "terms": [term(term_from_row(e.term), currency) for e in v.entries],
    }
    if full and session is not None:
        body["signatures"] = [signature(s) for s in signatures_of(session, v.deal)
                              if s.version_id == v.id]
        body["acknowledgements"] = [acknowledgement(a) for a in session.scalars(
            select(Acknowledgement).where(Acknowledgement.version_id == v.id))]
    return body


def _user_brief(u: User) -> dict[str, Any]:
    return {"user_id": u.id, "name": u.name, "email": u.email}


def ack(state: AckState) -> dict[str, Any]:
    return {"version": state.version,
            "acknowledged": [acknowledgement(a) for a in state.acknowledged],
            "pending": [_user_brief(u) for u in state.pending]}


def kickoff(session: Session, deal: Deal, k: Kickoff) -> dict[str, Any]:
    attendees = [{"user_id": u.id, "name": u.name, "email": u.email, "required": True}
                 for u in kickoff_service.required_people(deal)]
    attendees += [{"contact_id": c.id, "name": c.name, "email": c.email, "required": False}
                  for c in deal.contacts]
    return {
        "status": k.status, "start": k.start.isoformat() if k.start else None,
        "end": k.end.isoformat() if k.end else None, "earliest": k.earliest.isoformat(),
        "deadline": k.deadline.isoformat(), "uid": k.uid, "sequence": k.sequence,
        "at_risk": kickoff_service.kickoff_at_risk(k),
        "held_at": k.held_at.isoformat() if k.held_at else None, "minutes": k.minutes,
        "attendees": attendees, "agenda": kickoff_service.agenda_for(session, deal),
    }


def _kickoff_of(session: Session, deal: Deal) -> Kickoff | None:
    return session.scalar(select(Kickoff).where(Kickoff.deal_id == deal.id))


def deal(session: Session, d: Deal) -> dict[str, Any]:
    k = _kickoff_of(session, d)
    return {
        **_deal_fields(d), "revision": d.revision,
        "closed_at": d.closed_at, "fulfillment_lead_id": d.fulfillment_lead_id,
        "account_manager_id": d.account_manager_id,
        "contact_ids": [c.id for c in d.contacts],
        "terms_version": version(d.versions[-1], d.currency),
        "kickoff": kickoff(session, d, k) if k else None,
        "kickoff_at_risk": bool(k and kickoff_service.kickoff_at_risk(k)),
        "acknowledgements": ack(ack_state(session, d)),
        "links": {"self": f"/api/v1/deals/{d.id}", "terms": f"/api/v1/deals/{d.id}/terms",
                  "brief": f"/api/v1/deals/{d.id}/brief.docx",
                  "kickoff": f"/api/v1/deals/{d.id}/kickoff"},
    }


def _deal_fields(d: Deal) -> dict[str, Any]:
    return {"id": d.id, "status": d.status, "account_id": d.account_id,
            "account_name": d.account.name, "title": d.title, "external_ref": d.external_ref,
            "currency": d.currency, "first_shipment_date": d.first_shipment_date,
            "sales_owner_id": d.sales_owner_id}


def deal_summary(session: Session, d: Deal) -> dict[str, Any]:
    k = _kickoff_of(session, d)
    return {**_deal_fields(d), "kickoff_status": k.status if k else None,
            "kickoff_start": k.start.isoformat() if k and k.start else None,
            "kickoff_at_risk": bool(k and kickoff_service.kickoff_at_risk(k)),
            "terms_version": d.versions[-1].number}


def diff(deal_id: int, old: TermsVersionRow, new: TermsVersionRow, d: TermsDiff)\
        -> dict[str, Any]:
    return {"deal_id": deal_id, "version": new.number, "against": old.number, **diff_to_json(d)}


def note(n: Note) -> dict[str, Any]:
    return {"id": n.id, "deal_id": n.deal_id, "author_id": n.author_id, "author": n.author.name,
            "channel": n.channel, "contact_id": n.contact_id, "text": n.text,
            "term_ids": n.term_ids, "created_at": n.created_at,
            "promises": [{"id": p.id, "text": p.text, "due": p.due, "owner_id": p.owner_id}
                         for p in n.promises]}


def lineage(line: Lineage, orders: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    versions_by_number = {v.number: v for v in line.deal.versions}
    history = []
    for row in line.rows:
        introduced = versions_by_number[row.introduced_in]
        history.append({
            "term": term(term_from_row(row), line.deal.currency),
            "replaces_id": row.replaces_id, "in_versions": line.membership[row.id],
            "introduced_in": row.introduced_in, "author_id": row.author_id,
            "author": introduced.author.name, "at": row.created_at.isoformat(),
            "reason": introduced.reason,
        })
    return {
        "deal_id": line.deal.id, "term_id": line.rows[-1].id, "history": history,
        "signatures": [signature(s) for s in line.signatures],
        "acknowledgements": [acknowledgement(a) for a in line.acknowledgements],
        "notes": [note(n) for n in line.notes], "orders": list(orders),
    }

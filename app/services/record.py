"""The record of terms: versions, amendments, signatures, acknowledgements, notes, lineage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.db.models import (
    Acknowledgement,
    Contact,
    Deal,
    Note,
    Promise,
    Signature,
    TermRow,
    TermsVersionRow,
    User,
)
from app.db.session import unit_of_work
from app.errors import InvalidInput, NotAllowed, NotFound
from app.policy import require
from app.services.deals import (
    check_if_match,
    get_deal,
    get_deal_for_change,
    store_version,
    touch,
)
from app.services.paging import Page, paginate
from terms.amend import apply_amendment
from terms.diff import TermsDiff, diff_terms
from terms.errors import AmendmentInvalid, TermsInvalid
from terms.model import Term, TermsVersion
from terms.parse import parse_term, term_to_json
from terms.resolve import InForce, terms_in_force, version_in_force


def term_from_row(row: TermRow) -> Term:
    """The domain value of a stored term (stored params were valid when written)."""
    term = parse_term({"kind": row.kind, "params": row.params, "note": row.note,
                       "valid_from": row.valid_from.isoformat() if row.valid_from else None,
                       "valid_to": row.valid_to.isoformat() if row.valid_to else None})
    return Term(kind=term.kind, params=term.params, note=term.note, valid_from=term.valid_from,
                valid_to=term.valid_to, id=row.id, replaces_id=row.replaces_id)


def version_terms(version: TermsVersionRow) -> tuple[Term, ...]:
    return tuple(term_from_row(entry.term) for entry in version.entries)


def domain_version(version: TermsVersionRow) -> TermsVersion:
    return TermsVersion(number=version.number, effective_from=version.effective_from,
                        terms=version_terms(version), reason=version.reason,
                        digest=version.digest)


def get_version(session: Session, deal: Deal, number: int) -> TermsVersionRow:
    version = session.scalar(select(TermsVersionRow).where(
        TermsVersionRow.deal_id == deal.id, TermsVersionRow.number == number))
    if version is None:
        raise NotFound(f"Deal {deal.id} has no terms version {number}.")
    return version


def latest_version(deal: Deal) -> TermsVersionRow:
    return deal.versions[-1]


def version_row_in_force(deal: Deal, on: date) -> TermsVersionRow:
    """The version in force on a date; before the first took effect, what was agreed at close."""
    found = version_in_force([TermsVersion(number=v.number, effective_from=v.effective_from,
                                           terms=()) for v in deal.versions], on)
    return deal.versions[found.number - 1] if found else deal.versions[0]


def in_force(session: Session, actor: User, deal_id: int, on: date) -> tuple[Deal, InForce | None]:
    require(actor, "read")
    deal = get_deal(session, deal_id)
    return deal, terms_in_force([domain_version(v) for v in deal.versions], on)


def versions(session: Session, actor: User, deal_id: int) -> tuple[Deal, list[TermsVersionRow]]:
    require(actor, "read")
    deal = get_deal(session, deal_id)
    return deal, list(deal.versions)


def version(session: Session, actor: User, deal_id: int, number: int) -> TermsVersionRow:
    require(actor, "read")
    return get_version(session, get_deal(session, deal_id), number)


def diff(session: Session, actor: User, deal_id: int, number: int, against: int)\
        -> tuple[TermsVersionRow, TermsVersionRow, TermsDiff]:
    """What changed from version `against` to version `number`."""
    require(actor, "read")
    deal = get_deal(session, deal_id)
    new, old = get_version(session, deal, number), get_version(session, deal, against)
    return old, new, diff_terms(version_terms(old), version_terms(new))


# --- amendments ---------------------------------------------------------------------------


def _parsed(raw: Mapping[str, Any], prefix: str, errors: dict[str, list[str]]) -> Term | None:
    try:
        return parse_term({k: v for k, v in raw.items() if k != "term_id"})
    except TermsInvalid as exc:
        errors.update(exc.prefixed(prefix).errors)
        return None


def _amendment_terms(data: Mapping[str, Any])\
        -> tuple[list[Term], list[tuple[int, Term]], list[int]]:
    errors: dict[str, list[str]] = {}
    add = [_parsed(raw, f"add.{i}", errors) for i, raw in enumerate(data.get("add", []))]
    replace = [(raw["term_id"], _parsed(raw, f"replace.{i}", errors))
               for i, raw in enumerate(data.get("replace", []))]
    remove = [item["term_id"] if isinstance(item, Mapping) else item
              for item in data.get("remove", [])]
    if errors:
        raise AmendmentInvalid(errors)
    return ([t for t in add if t is not None], [(i, t) for i, t in replace if t is not None],
            remove)


def amend(session: Session, actor: User, deal_id: int, data: dict[str, Any],
          if_match: str | None) -> TermsVersionRow:
    """A new terms version made from the newest one, with a reason; old versions stay."""
    deal = get_deal_for_change(session, deal_id)
    require(actor, "terms.amend", deal=deal)
    check_if_match(deal, if_match)
    current = latest_version(deal)
    if data["effective_from"] < current.effective_from:
        raise InvalidInput.field(
            "effective_from", f"Version {current.number} is in force from "
            f"{current.effective_from}; an amendment cannot take effect before it.")
    add, replace, remove = _amendment_terms(data)
    terms = apply_amendment(version_terms(current), add=add, replace=replace, remove=remove,
                            version_number=current.number)
    with unit_of_work(session):
        new = store_version(session, deal, number=current.number + 1,
                            effective_from=data["effective_from"], reason=data["reason"].strip(),
                            terms=terms, author=actor)
        touch(deal)
        audit.record(session, actor_id=actor.id, action="terms.amended", entity="deal",
                     entity_id=deal.id, data={
                         "number": new.number, "digest": new.digest, "reason": new.reason,
                         "effective_from": new.effective_from,
                         "add": [term_to_json(t) for t in add], "remove": remove,
                         "replace": [{"term_id": k, **term_to_json(v)} for k, v in replace]})
        from app.services.kickoffs import refresh_invitation

        refresh_invitation(session, deal, actor)
    return new


# --- signatures -----------------------------------------------------------------------------


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


def _signer(session: Session, actor: User, deal: Deal, signer: Mapping[str, Any])\
        -> tuple[Contact | None, User | None, str]:
    if "contact_id" in signer and "user_id" in signer:
        raise InvalidInput.field("signer", "Name one signer: a contact_id or a user_id.")
    if "contact_id" in signer:
        contact = session.get(Contact, signer["contact_id"])
        if contact is None or contact.account_id != deal.account_id:
            raise InvalidInput.field("signer.contact_id",
                                     f"Contact {signer['contact_id']} is not at this account.")
        return contact, None, contact.name
    if "user_id" in signer:
        if signer["user_id"] != actor.id:
            raise NotAllowed("An internal signature is made by the person signing, in person.")
        return None, actor, actor.name
    raise InvalidInput.field("signer", "Name the signer: a contact_id or a user_id.")


def _option_terms(version: TermsVersionRow) -> dict[str, Term]:
    return {str(t.params["name"]): t for t in version_terms(version) if t.kind == "option"}


def _check_decisions(version: TermsVersionRow, decisions: Sequence[Mapping[str, Any]])\
        -> list[dict[str, Any]]:
    options = _option_terms(version)
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for i, item in enumerate(decisions):
        option, decision = item["option"], item["decision"]
        term = options.get(option)
        if term is None:
            errors[f"decisions.{i}.option"] = [
                f"Version {version.number} has no option {option!r}; its options are "
                f"{', '.join(sorted(options)) or 'none'}."]
        elif term.params["decision"] not in ("pending", decision):
            errors[f"decisions.{i}.decision"] = [
                f"The terms record {term.params['decision']!r} for {option}; amend the terms "
                "to change it before signing."]
        if option in seen:
            errors[f"decisions.{i}.option"] = [f"{option} is decided twice."]
        seen.add(option)
    if errors:
        raise InvalidInput("The decisions do not match the terms; nothing was saved.", errors)
    return [{"option": d["option"], "decision": d["decision"]} for d in decisions]


@dataclass(frozen=True)
class Client:
    ip: str
    user_agent: str


def sign(session: Session, actor: User, deal_id: int, data: dict[str, Any], client: Client)\
        -> Signature:
    """A named person signs a version's digest by typing their name."""
    deal = get_deal(session, deal_id)
    require(actor, "signatures.record", deal=deal)
    version = get_version(session, deal, data["version"])
    if data.get("digest") and data["digest"] != version.digest:
        raise InvalidInput.field("digest", f"Version {version.number} has digest "
                                 f"{version.digest}; the text signed is not this version.")
    contact, user, name_on_record = _signer(session, actor, deal, data["signer"])
    if _normalised(data["typed_name"]) != _normalised(name_on_record):
        raise InvalidInput.field("typed_name", f"The typed name must be the signer's own name "
                                 f"as on record ({name_on_record}).")
    decisions = _check_decisions(version, data.get("decisions", []))
    with unit_of_work(session):
        signature = Signature(
            deal_id=deal.id, version_id=version.id, digest=version.digest,
            signer_contact_id=contact.id if contact else None,
            signer_user_id=user.id if user else None, typed_name=data["typed_name"].strip(),
            decisions=decisions, ip=client.ip[:64], user_agent=client.user_agent[:500],
            recorded_by_id=actor.id)
        session.add(signature)
        session.flush()
        audit.record(session, actor_id=actor.id, action="terms.signed", entity="deal",
                     entity_id=deal.id, data={
                         "signature_id": signature.id, "version": version.number,
                         "digest": version.digest, "typed_name": signature.typed_name,
                         "signer_contact_id": signature.signer_contact_id,
                         "signer_user_id": signature.signer_user_id, "decisions": decisions,
                         "ip": signature.ip, "user_agent": signature.user_agent})
    return signature


def signatures_of(session: Session, deal: Deal) -> list[Signature]:
    return list(session.scalars(select(Signature).where(Signature.deal_id == deal.id)
                                .order_by(Signature.id)))


def signatures_of_deal(session: Session, actor: User, deal_id: int) -> list[Signature]:
    require(actor, "read")
    return signatures_of(session, get_deal(session, deal_id))


def signature(session: Session, actor: User, deal_id: int, signature_id: int) -> Signature:
    require(actor, "read")
    deal = get_deal(session, deal_id)
    found = session.get(Signature, signature_id)
    if found is None or found.deal_id != deal.id:
        raise NotFound(f"Deal {deal.id} has no signature {signature_id}.")
    return found


def signed_decisions(session: Session, version: TermsVersionRow) -> dict[str, Signature]:
    """For each option, the newest signature on this version that decided it."""
    found: dict[str, Signature] = {}
    for sig in session.scalars(select(Signature).where(Signature.version_id == version.id)
                               .order_by(Signature.id)):
        for item in sig.decisions:
            found[item["option"]] = sig
    return found


# --- acknowledgements ---------------------------------------------------------------------


def acknowledge(session: Session, actor: User, deal_id: int, number: int)\
        -> tuple[Acknowledgement, bool]:
    """The reader confirms they read version n; returns (record, created)."""
    deal = get_deal(session, deal_id)
    require(actor, "acknowledgements.record", deal=deal)
    version = get_version(session, deal, number)
    existing = session.scalar(select(Acknowledgement).where(
        Acknowledgement.version_id == version.id, Acknowledgement.user_id == actor.id))
    if existing is not None:
        return existing, False
    with unit_of_work(session):
        ack = Acknowledgement(deal_id=deal.id, version_id=version.id, user_id=actor.id)
        session.add(ack)
        session.flush()
        audit.record(session, actor_id=actor.id, action="terms.acknowledged", entity="deal",
                     entity_id=deal.id, data={"version": number, "digest": version.digest})
    return ack, True


def acknowledgements_of(session: Session, deal: Deal) -> list[Acknowledgement]:
    return list(session.scalars(select(Acknowledgement).where(Acknowledgement.deal_id == deal.id)
                                .order_by(Acknowledgement.id)))


@dataclass(frozen=True)
class AckState:
    version: int
    acknowledged: list[Acknowledgement]
    pending: list[User]


def ack_state(session: Session, deal: Deal) -> AckState:
    """Who has read the newest version, and who still must: the deal's account manager and
    fulfillment lead, and everyone who acknowledged an earlier version."""
    newest = latest_version(deal)
    acks = acknowledgements_of(session, deal)
    done = [a for a in acks if a.version_id == newest.id]
    done_ids = {a.user_id for a in done}
    owed_ids = [deal.account_manager_id, deal.fulfillment_lead_id] + [a.user_id for a in acks]
    pending, seen = [], set()
    for user_id in owed_ids:
        if user_id not in done_ids and user_id not in seen:
            seen.add(user_id)
            user = session.get(User, user_id)
            if user is not None:
                pending.append(user)
    return AckState(newest.number, done, pending)


# --- notes and promises -------------------------------------------------------------------


def _check_note(session: Session, deal: Deal, data: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    contact_id = data.get("contact_id")
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None or contact.account_id != deal.account_id:
            errors["contact_id"] = [f"Contact {contact_id} is not at this deal's account."]
    deal_terms = set(session.scalars(select(TermRow.id).where(TermRow.deal_id == deal.id)))
    for i, term_id in enumerate(data.get("term_ids", [])):
        if term_id not in deal_terms:
            errors[f"term_ids.{i}"] = [f"Term {term_id} is not a term of deal {deal.id}."]
    for i, promise in enumerate(data.get("promises", [])):
        owner_id = promise.get("owner_id")
        if owner_id is not None and session.get(User, owner_id) is None:
            errors[f"promises.{i}.owner_id"] = [f"There is no user {owner_id}."]
    if errors:
        raise InvalidInput("The note cannot be recorded as given; nothing was saved.", errors)


def add_note(session: Session, actor: User, deal_id: int, data: dict[str, Any]) -> Note:
    """A written record of a conversation with the customer and what we promised in it."""
    deal = get_deal(session, deal_id)
    require(actor, "notes.write", deal=deal)
    _check_note(session, deal, data)
    with unit_of_work(session):
        note = Note(deal_id=deal.id, author_id=actor.id, channel=data["channel"],
                    contact_id=data.get("contact_id"), text=data["text"].strip(),
                    term_ids=list(data.get("term_ids", [])))
        session.add(note)
        session.flush()
        for item in data.get("promises", []):
            session.add(Promise(note_id=note.id, deal_id=deal.id, text=item["text"].strip(),
                                due=item["due"], owner_id=item.get("owner_id") or actor.id))
        session.flush()
        audit.record(session, actor_id=actor.id, action="note.recorded", entity="deal",
                     entity_id=deal.id, data={
                         "note_id": note.id, "channel": note.channel, "text": note.text,
                         "contact_id": note.contact_id, "term_ids": note.term_ids,
                         "promises": [{"id": p.id, "text": p.text, "due": p.due,
                                       "owner_id": p.owner_id} for p in note.promises]})
        from app.services.reminders import plan_promise_reminders

        plan_promise_reminders(session, note)
    return note


def notes_of(session: Session, actor: User, deal_id: int, page: int = 1, per_page: int = 50)\
        -> Page[Note]:
    require(actor, "read")
    deal = get_deal(session, deal_id)
    return paginate(session, select(Note).where(Note.deal_id == deal.id).order_by(Note.id), page,
                    per_page)


# --- lineage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lineage:
    deal: Deal
    rows: list[TermRow]
    versions: list[TermsVersionRow]
    membership: dict[int, list[int]]
    signatures: list[Signature]
    acknowledgements: list[Acknowledgement]
    notes: list[Note]


def _chain(session: Session, deal: Deal, term_id: int) -> list[TermRow]:
    rows = {r.id: r for r in session.scalars(select(TermRow).where(TermRow.deal_id == deal.id))}
    if term_id not in rows:
        raise NotFound(f"Deal {deal.id} has no term {term_id}.")
    root = rows[term_id]
    while root.replaces_id is not None and root.replaces_id in rows:
        root = rows[root.replaces_id]
    successor = {r.replaces_id: r for r in rows.values() if r.replaces_id is not None}
    chain = [root]
    while chain[-1].id in successor:
        chain.append(successor[chain[-1].id])
    return chain


def lineage(session: Session, actor: User, deal_id: int, term_id: int) -> Lineage:
    """The dispute view of one promise: every form it took, and everything said about it."""
    require(actor, "read")
    deal = get_deal(session, deal_id)
    chain = _chain(session, deal, term_id)
    ids = {r.id for r in chain}
    membership = {r.id: [v.number for v in deal.versions
                         if any(e.term_id == r.id for e in v.entries)] for r in chain}
    in_versions = [v for v in deal.versions if any(e.term_id in ids for e in v.entries)]
    version_ids = {v.id for v in in_versions}
    notes = [n for n in session.scalars(select(Note).where(Note.deal_id == deal.id)
                                        .order_by(Note.id))
             if ids & set(n.term_ids) or any(f"term {i}" in n.text.lower() for i in ids)]
    return Lineage(
        deal=deal, rows=chain, versions=in_versions, membership=membership,
        signatures=[s for s in signatures_of(session, deal) if s.version_id in version_ids],
        acknowledgements=[a for a in acknowledgements_of(session, deal)
                          if a.version_id in version_ids],
        notes=notes,
    )

"""Closing a deal, reading it, and changing its people and dates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from app import audit, clock
from app.db.models import (
    Account,
    Contact,
    Deal,
    Kickoff,
    TermRow,
    TermsVersionRow,
    User,
    VersionTerm,
)
from app.db.session import unit_of_work
from app.errors import DealChanged, IfMatchRequired, InvalidInput, NotAllowed, NotFound
from app.policy import may, require
from app.services.paging import Page, paginate
from terms.digest import version_digest
from terms.errors import TermsInvalid
from terms.model import Term
from terms.parse import parse_terms, term_to_json

PEOPLE = {
    "sales_owner_id": ("sales", "the salesperson"),
    "account_manager_id": ("account_manager", "the account manager"),
    "fulfillment_lead_id": ("fulfillment", "the fulfillment lead"),
}


def get_deal(session: Session, deal_id: int) -> Deal:
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise NotFound(f"There is no deal {deal_id}.")
    return deal


def get_deal_for_change(session: Session, deal_id: int) -> Deal:
    """The deal, its row locked until the change commits (PostgreSQL; SQLite's write
    transactions are serial anyway): two changes sent with the same ETag then run one after the
    other, and the second finds the deal changed (412) instead of both writing version n+1."""
    deal = session.get(Deal, deal_id, with_for_update=True, populate_existing=True)
    if deal is None:
        raise NotFound(f"There is no deal {deal_id}.")
    return deal


def read_deal(session: Session, actor: User, deal_id: int) -> Deal:
    require(actor, "read")
    return get_deal(session, deal_id)


def etag(deal: Deal) -> str:
    return f'"deal-{deal.id}-r{deal.revision}"'


def check_if_match(deal: Deal, if_match: str | None) -> None:
    """Refuse a write made from a stale or unstated copy of the deal."""
    if not if_match:
        raise IfMatchRequired(
            f"Send If-Match with the ETag of GET /api/v1/deals/{deal.id} ({etag(deal)}) so a "
            "change made meanwhile by someone else is not overwritten."
        )
    offered = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in offered and etag(deal) not in offered:
        raise DealChanged(
            f"Deal {deal.id} has changed since you read it (now {etag(deal)}); read it again "
            "and re-apply your change."
        )


def deal_ref(deal: Deal) -> str:
    """What a version's digest names the deal by."""
    return f"deal:{deal.id}"


def _person(session: Session, field: str, user_id: Any, errors: dict[str, list[str]])\
        -> User | None:
    role, label = PEOPLE[field]
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        errors.setdefault(field, []).append(f"There is no user {user_id}.")
        return None
    if not user.active or not user.has_role(role, "manager"):
        errors.setdefault(field, []).append(
            f"{user.name} cannot be {label}: they lack the {role} role.")
    return user


def _contacts(session: Session, account_id: int, ids: Sequence[int],
              errors: dict[str, list[str]]) -> list[Contact]:
    contacts = []
    for index, contact_id in enumerate(ids):
        contact = session.get(Contact, contact_id)
        if contact_id in ids[:index]:
            errors[f"contact_ids.{index}"] = [f"Contact {contact_id} is named twice."]
        elif contact is None or contact.account_id != account_id:
            errors[f"contact_ids.{index}"] = [
                f"Contact {contact_id} is not a person at this deal's account."]
        else:
            contacts.append(contact)
    return contacts


def _parse_terms_field(raw: Sequence[Mapping[str, Any]], field: str) -> tuple[Term, ...]:
    try:
        return parse_terms(raw)
    except TermsInvalid as exc:
        raise exc.prefixed(field) from None


@dataclass(frozen=True)
class _Close:
    account: Account
    contacts: list[Contact]
    terms: tuple[Term, ...]
    closed_at: datetime
    people: dict[str, User]


def _check_close(session: Session, actor: User, data: dict[str, Any]) -> _Close:
    errors: dict[str, list[str]] = {}
    data.setdefault("sales_owner_id", actor.id)
    if not may(actor, "deals.create", owner_id=data["sales_owner_id"]):
        raise NotAllowed("A salesperson closes deals in their own name only.")
    account = session.get(Account, data["account_id"])
    if account is None:
        errors["account_id"] = [f"There is no account {data['account_id']}."]
    people = {field: _person(session, field, data.get(field), errors) for field in PEOPLE}
    contacts = _contacts(session, account.id, data.get("contact_ids", []), errors) \
        if account else []
    closed_at = data.get("closed_at") or clock.now()
    if data["first_shipment_date"] < closed_at.date():
        errors.setdefault("first_shipment_date", []).append(
            "The first shipment cannot be before the deal closed.")
    try:
        terms = _parse_terms_field(data.get("terms", []), "terms")
    except TermsInvalid as exc:
        errors.update(exc.errors)
        terms = ()
    if errors or account is None:
        raise InvalidInput("The deal cannot be closed as given; nothing was saved.", errors)
    return _Close(account, contacts, terms, closed_at,
                  {field: user for field, user in people.items() if user is not None})


def store_version(
    session: Session, deal: Deal, *, number: int, effective_from: date, reason: str,
    terms: Sequence[Term], author: User,
) -> TermsVersionRow:
    """Insert a version: new term rows for terms without an id, shared rows for the rest."""
    stored: list[TermRow] = []
    for term in terms:
        if term.id is not None:
            row = session.get(TermRow, term.id)
            assert row is not None
        else:
            row = TermRow(deal_id=deal.id, introduced_in=number, author_id=author.id,
                          replaces_id=term.replaces_id, **_term_columns(term))
            session.add(row)
        stored.append(row)
    session.flush()
    version = TermsVersionRow(
        deal_id=deal.id, number=number, effective_from=effective_from, reason=reason,
        digest=version_digest(deal_ref(deal), number, effective_from, terms),
        author_id=author.id,
    )
    session.add(version)
    session.flush()
    session.add_all(VersionTerm(version_id=version.id, term_id=row.id, position=i)
                    for i, row in enumerate(stored))
    session.flush()
    return version


def _term_columns(term: Term) -> dict[str, Any]:
    body = term_to_json(term)
    return {"kind": body["kind"], "params": body["params"], "note": body.get("note") or "",
            "valid_from": term.valid_from, "valid_to": term.valid_to}


def close_deal(session: Session, actor: User, data: dict[str, Any]) -> Deal:
    """Record a closed deal with its terms as version 1, and schedule its kickoff."""
    checked = _check_close(session, actor, data)
    from app.services.kickoffs import schedule_new_kickoff

    with unit_of_work(session):
        deal = Deal(
            account_id=checked.account.id, title=data["title"].strip(),
            external_ref=data.get("external_ref"), currency=data["currency"],
            closed_at=checked.closed_at, first_shipment_date=data["first_shipment_date"],
            sales_owner_id=data["sales_owner_id"], account_manager_id=data["account_manager_id"],
            fulfillment_lead_id=data["fulfillment_lead_id"], contacts=checked.contacts,
            # The people as checked, so scheduling the kickoff need not load them again.
            sales_owner=checked.people["sales_owner_id"],
            account_manager=checked.people["account_manager_id"],
            fulfillment_lead=checked.people["fulfillment_lead_id"],
        )
        session.add(deal)
        session.flush()
        version = store_version(
            session, deal, number=1, effective_from=data.get("effective_from")
            or checked.closed_at.date(), reason="Terms agreed at close", terms=checked.terms,
            author=actor,
        )
        audit.record(session, actor_id=actor.id, action="deal.closed", entity="deal",
                     entity_id=deal.id, data=_deal_snapshot(deal))
        audit.record(session, actor_id=actor.id, action="terms.version_created", entity="deal",
                     entity_id=deal.id, data=_version_snapshot(version, checked.terms))
        schedule_new_kickoff(session, deal, actor)
    return deal


def _deal_snapshot(deal: Deal) -> dict[str, Any]:
    return {
        "account_id": deal.account_id, "title": deal.title, "external_ref": deal.external_ref,
        "currency": deal.currency, "closed_at": deal.closed_at,
        "first_shipment_date": deal.first_shipment_date, "sales_owner_id": deal.sales_owner_id,
        "account_manager_id": deal.account_manager_id,
        "fulfillment_lead_id": deal.fulfillment_lead_id,
        "contact_ids": [c.id for c in deal.contacts],
    }


def _version_snapshot(version: TermsVersionRow, terms: Sequence[Term]) -> dict[str, Any]:
    return {"number": version.number, "digest": version.digest,
            "effective_from": version.effective_from, "reason": version.reason,
            "term_ids": [e.term_id for e in version.entries] if version.entries else [],
            "terms": [term_to_json(t) for t in terms]}


@dataclass(frozen=True)
class DealFilter:
    status: str | None = None
    account_id: int | None = None
    owner_id: int | None = None
    kickoff: str | None = None
    q: str | None = None


KICKOFF_FILTERS = ("scheduled", "unscheduled", "held", "cancelled", "at_risk")


def _filtered(query: Select[Any], f: DealFilter) -> Select[Any]:
    if f.status:
        query = query.where(Deal.status == f.status)
    if f.account_id:
        query = query.where(Deal.account_id == f.account_id)
    if f.owner_id:
        query = query.where(Deal.sales_owner_id == f.owner_id)
    if f.q:
        query = query.where(Deal.title.ilike(f"%{f.q}%"))
    if f.kickoff:
        # "at risk" is a kickoff that found no slot: the SPEC's unscheduled state.
        state = "unscheduled" if f.kickoff == "at_risk" else f.kickoff
        query = query.where(exists().where(Kickoff.deal_id == Deal.id, Kickoff.status == state))
    return query


def list_deals(session: Session, actor: User, f: DealFilter, page: int, per_page: int)\
        -> Page[Deal]:
    require(actor, "read")
    return paginate(session, _filtered(select(Deal).order_by(Deal.id.desc()), f), page, per_page)


UPDATABLE = ("title", "first_shipment_date", "sales_owner_id", "account_manager_id",
             "fulfillment_lead_id", "contact_ids", "external_ref")


def _check_update(session: Session, actor: User, deal: Deal, data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if "sales_owner_id" in data and data["sales_owner_id"] != deal.sales_owner_id \
            and not actor.has_role("manager"):
        raise NotAllowed("Only a manager hands a deal to another salesperson.")
    for field in PEOPLE:
        if field in data:
            _person(session, field, data[field], errors)
    if "contact_ids" in data:
        _contacts(session, deal.account_id, data["contact_ids"], errors)
    if "first_shipment_date" in data and data["first_shipment_date"] < deal.closed_at.date():
        errors["first_shipment_date"] = ["The first shipment cannot be before the deal closed."]
    if errors:
        raise InvalidInput("The deal cannot be changed as given; nothing was saved.", errors)


def update_deal(session: Session, actor: User, deal_id: int, data: dict[str, Any],
                if_match: str | None) -> Deal:
    """Change owners, dates or contacts; a change that matters moves the kickoff."""
    deal = get_deal_for_change(session, deal_id)
    require(actor, "deals.update", deal=deal)
    check_if_match(deal, if_match)
    _check_update(session, actor, deal, data)
    from app.services.kickoffs import reschedule_after_deal_change

    with unit_of_work(session):
        before = _deal_snapshot(deal)
        for field in UPDATABLE:
            if field == "contact_ids" and field in data:
                deal.contacts = _contacts(session, deal.account_id, data[field], {})
            elif field in data:
                setattr(deal, field, data[field])
        after = _deal_snapshot(deal)
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if changes:
            touch(deal)
            audit.record(session, actor_id=actor.id, action="deal.updated", entity="deal",
                         entity_id=deal.id, data={"changes": changes})
            reschedule_after_deal_change(session, deal, actor, set(changes))
    return deal


def touch(deal: Deal) -> None:
    """The deal or its terms changed: a new ETag, so stale copies are refused. Counted up in
    the database, so two changes committed side by side both count."""
    deal.revision = Deal.revision + 1  # type: ignore[assignment]
    deal.updated_at = clock.now()

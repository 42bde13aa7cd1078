"""Customer companies and the people at them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit
from app.db.models import Account, Contact, User
from app.db.session import unit_of_work
from app.errors import AlreadyExists, NotFound
from app.policy import require
from app.services.paging import Page, paginate


def get_account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"There is no account {account_id}.")
    return account


def read_account(session: Session, actor: User, account_id: int) -> Account:
    require(actor, "read")
    return get_account(session, account_id)


def create_account(session: Session, actor: User, data: dict[str, Any]) -> Account:
    require(actor, "accounts.write")
    ref = data.get("external_ref")
    if ref and session.scalar(select(Account).where(Account.external_ref == ref)):
        raise AlreadyExists(f"An account with external_ref {ref} already exists.",
                            {"external_ref": ["Another account has this reference."]})
    with unit_of_work(session):
        account = Account(name=data["name"].strip(), external_ref=ref or None,
                          country=data.get("country"), timezone=data.get("timezone") or "UTC")
        session.add(account)
        session.flush()
        audit.record(session, actor_id=actor.id, action="account.created", entity="account",
                     entity_id=account.id, data=dict(data))
    return account


def list_accounts(session: Session, actor: User, page: int, per_page: int,
                  q: str | None = None) -> Page[Account]:
    require(actor, "read")
    query = select(Account).order_by(Account.id)
    if q:
        query = query.where(func.lower(Account.name).contains(q.lower()))
    return paginate(session, query, page, per_page)


def add_contact(session: Session, actor: User, account_id: int, data: dict[str, Any]) -> Contact:
    require(actor, "accounts.write")
    account = get_account(session, account_id)
    with unit_of_work(session):
        contact = Contact(account_id=account.id, name=data["name"].strip(),
                          email=data["email"].strip().lower(), title=data.get("title") or "",
                          timezone=data.get("timezone"))
        session.add(contact)
        session.flush()
        audit.record(session, actor_id=actor.id, action="contact.created", entity="contact",
                     entity_id=contact.id, data={"account_id": account.id, **data})
    return contact


def list_contacts(session: Session, actor: User, account_id: int, page: int, per_page: int)\
        -> Page[Contact]:
    require(actor, "read")
    get_account(session, account_id)
    query = select(Contact).where(Contact.account_id == account_id).order_by(Contact.id)
    return paginate(session, query, page, per_page)

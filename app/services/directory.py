"""Who and what a form offers to choose from: accounts with their contacts, people by role."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Account, User


def accounts_with_contacts(session: Session) -> list[Account]:
    return list(session.scalars(select(Account).options(selectinload(Account.contacts))
                                .order_by(Account.name)))


def people_with_role(session: Session, role: str) -> list[User]:
    """Active people holding `role`, by name (roles are a short JSON list per user)."""
    everyone = session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    return [user for user in everyone if user.has_role(role)]

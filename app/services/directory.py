"""Who and what a form offers to choose from: accounts with their contacts, people by role,
deals."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db.models import Account, Deal, User


def accounts_with_contacts(session: Session) -> list[Account]:
    return list(session.scalars(select(Account).options(selectinload(Account.contacts))
                                .order_by(Account.name)))


def people_with_role(session: Session, role: str) -> list[User]:
    """Active people holding `role`, by name (roles are a short JSON list per user)."""
    everyone = session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    return [user for user in everyone if user.has_role(role)]


def deals_by_title(session: Session, limit: int = 500) -> list[Deal]:
    """Deals to filter by, newest first when there are more than a menu can hold."""
    newest = list(session.scalars(select(Deal).options(selectinload(Deal.account))
                                  .order_by(Deal.id.desc()).limit(limit)))
    return sorted(newest, key=lambda d: (d.account.name, d.title))

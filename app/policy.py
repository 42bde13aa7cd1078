"""Who may do what: one table that the services enforce and the authorisation test reads.

A rule names the roles that may take an action on any object, and the roles that may take it
only on their own (a salesperson on the deals they own, a user on their own profile).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.db.models import Deal, User
from app.errors import NotAllowed

ROLES = ("sales", "account_manager", "fulfillment", "manager", "admin")
EVERYONE = frozenset(ROLES)


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    own: frozenset[str] = field(default_factory=frozenset)
    self_allowed: bool = False
    why: str = ""


def _r(*roles: str) -> frozenset[str]:
    return frozenset(roles)


POLICY: dict[str, Rule] = {
    "users.manage": Rule(_r("admin"), why="only an admin manages users"),
    "users.read": Rule(_r("admin", "manager"), self_allowed=True),
    "users.token": Rule(_r("admin"), self_allowed=True, why="admins or the user themself"),
    "users.availability": Rule(_r("admin", "manager"), self_allowed=True),
    "accounts.write": Rule(_r("admin", "manager", "sales")),
    "read": Rule(EVERYONE),
    "products.write": Rule(_r("admin"), why="the catalog belongs to admins"),
    "standard_terms.write": Rule(_r("admin"), why="standard terms belong to admins"),
    "deals.create": Rule(_r("manager"), own=_r("sales"),
                         why="a salesperson closes deals in their own name"),
    "deals.update": Rule(_r("manager"), own=_r("sales")),
    "terms.amend": Rule(_r("manager"), own=_r("sales"), why="only the deal's salesperson"),
    "signatures.record": Rule(_r("manager"), own=_r("sales")),
    "acknowledgements.record": Rule(_r("manager", "account_manager", "fulfillment")),
    "notes.write": Rule(_r("manager", "account_manager"), own=_r("sales")),
    "audit.read": Rule(_r("manager", "admin")),
    "orders.check": Rule(_r("manager", "fulfillment", "sales", "account_manager")),
    "orders.decide": Rule(_r("manager", "fulfillment"), why="fulfillment releases and holds"),
    "orders.override": Rule(_r("manager"), why="only a manager overrides a block"),
    "orders.review": Rule(_r("manager", "fulfillment"),
                          why="fulfillment ticks off the manual review items"),
    "orders.ask": Rule(_r("manager", "fulfillment"),
                       why="fulfillment asks the salesperson about an order"),
    "orders.answer": Rule(_r("manager"), own=_r("sales"),
                          why="the deal's salesperson answers questions about its orders"),
    "kickoffs.everyone": Rule(_r("manager"), why="everyone's kickoffs are for managers"),
    "reports.read": Rule(_r("manager"), why="the dashboard is for managers"),
    "settings.write": Rule(_r("admin"), why="settings belong to admins"),
    "kickoff.reschedule": Rule(_r("manager", "account_manager"), own=_r("sales")),
    "kickoff.held": Rule(_r("manager", "account_manager"),
                         why="the account manager records the kickoff"),
}


def may(user: User, action: str, *, deal: Deal | None = None, subject: User | None = None,
        owner_id: int | None = None) -> bool:
    """True when the user's roles, ownership or identity allow the action. `owner_id` names
    the salesperson of a deal not yet on file (the one being closed)."""
    rule = POLICY[action]
    if rule.roles & set(user.roles):
        return True
    if rule.self_allowed and subject is not None and subject.id == user.id:
        return True
    owner = deal.sales_owner_id if deal is not None else owner_id
    if rule.own & set(user.roles) and owner is not None:
        return owner == user.id
    return False


def require(user: User, action: str, *, deal: Deal | None = None, subject: User | None = None,
            owner_id: int | None = None) -> None:
    """Raise NotAllowed unless `may` says yes."""
    if not may(user, action, deal=deal, subject=subject, owner_id=owner_id):
        rule = POLICY[action]
        reason = rule.why or "your role does not allow this"
        raise NotAllowed(f"You may not do this ({action}): {reason}.")

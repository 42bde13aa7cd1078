"""Customer accounts and their contacts."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app.api import present
from app.api.access import guarded
from app.api.auth import current_actor
from app.api.idempotency import idempotent
from app.api.openapi import problems
from app.api.schemas import (
    AccountIn,
    AccountListArgs,
    AccountListOut,
    AccountOut,
    ContactIn,
    ContactListOut,
    ContactOut,
    PageArgs,
)
from app.extensions import db
from app.services import accounts as service

blp = Blueprint("accounts", __name__, url_prefix="/api/v1/accounts",
                description="Customer accounts and contacts")


def _account(a: Any) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "external_ref": a.external_ref, "country": a.country,
            "timezone": a.timezone, "created_at": a.created_at}


def _contact(c: Any) -> dict[str, Any]:
    return {"id": c.id, "account_id": c.account_id, "name": c.name, "email": c.email,
            "title": c.title, "timezone": c.timezone}


@blp.route("")
class Accounts(MethodView):
    @problems(409)
    @guarded("accounts.write")
    @idempotent
    @blp.arguments(AccountIn)
    @blp.response(201, AccountOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a customer account."""
        return _account(service.create_account(db.session, current_actor(), data))

    @guarded("read")
    @blp.arguments(AccountListArgs, location="query")
    @blp.response(200, AccountListOut)
    def get(self, args: dict[str, Any]) -> Any:
        """List accounts (filter: q in the name)."""
        result = service.list_accounts(db.session, current_actor(), args["page"],
                                       args["per_page"], args.get("q"))
        return present.page(result, _account)


@blp.route("/<int:account_id>")
class OneAccount(MethodView):
    @guarded("read")
    @blp.response(200, AccountOut)
    def get(self, account_id: int) -> Any:
        """One account."""
        return _account(service.read_account(db.session, current_actor(), account_id))


@blp.route("/<int:account_id>/contacts")
class Contacts(MethodView):
    @guarded("accounts.write")
    @idempotent
    @blp.arguments(ContactIn)
    @blp.response(201, ContactOut)
    def post(self, data: dict[str, Any], account_id: int) -> Any:
        """Add a person at the account."""
        return _contact(service.add_contact(db.session, current_actor(), account_id, data))

    @guarded("read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, ContactListOut)
    def get(self, args: dict[str, Any], account_id: int) -> Any:
        """The account's contacts."""
        result = service.list_contacts(db.session, current_actor(), account_id, args["page"],
                                       args["per_page"])
        return present.page(result, _contact)

"""Deals and their record of terms."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from app import clock
from app.api import present
from app.api.access import guarded, permanent
from app.api.auth import client_address, current_actor
from app.api.idempotency import idempotent
from app.api.openapi import problems
from app.api.schemas import (
    AckIn,
    AckOut,
    AmendmentIn,
    AsOfArgs,
    DealIn,
    DealListArgs,
    DealListOut,
    DealOut,
    DealPatch,
    DiffArgs,
    DiffOut,
    InForceOut,
    LineageOut,
    NoteIn,
    NoteListOut,
    NoteOut,
    PageArgs,
    SignatureIn,
    SignatureListOut,
    SignatureOut,
    VersionListOut,
    VersionOut,
)
from app.errors import RecordIsPermanent
from app.extensions import db
from app.services import deals as service
from app.services import record

blp = Blueprint("deals", __name__, url_prefix="/api/v1/deals", description="Deals and terms")


def _with_etag(body: dict[str, Any], deal: Any, status: int = 200,
               **headers: str) -> tuple[dict[str, Any], int, dict[str, str]]:
    """The body with the deal's ETag, which a change must send back as If-Match."""
    return body, status, {"ETag": service.etag(deal), **headers}


@blp.route("")
class Deals(MethodView):
    @guarded("deals.create", owner="sales_owner_id")
    @idempotent
    @blp.arguments(DealIn)
    @blp.response(201, DealOut, headers={"ETag": {"schema": {"type": "string"}}})
    def post(self, data: dict[str, Any]) -> Any:
        """Close a deal: its fields and its terms, which become version 1; the kickoff is
        scheduled."""
        deal = service.close_deal(db.session, current_actor(), data)
        return _with_etag(present.deal(db.session, deal), deal, 201,
                          Location=f"/api/v1/deals/{deal.id}")

    @guarded("read")
    @blp.arguments(DealListArgs, location="query")
    @blp.response(200, DealListOut)
    def get(self, args: dict[str, Any]) -> Any:
        """List deals (filters: status, account, owner, kickoff incl. at_risk, q)."""
        f = service.DealFilter(status=args.get("status"), account_id=args.get("account"),
                               owner_id=args.get("owner"), kickoff=args.get("kickoff"),
                               q=args.get("q"))
        result = service.list_deals(db.session, current_actor(), f, args["page"],
                                    args["per_page"])
        return present.page(result, lambda d: present.deal_summary(db.session, d))


@blp.route("/<int:deal_id>")
class OneDeal(MethodView):
    @guarded("read")
    @blp.response(200, DealOut, headers={"ETag": {"schema": {"type": "string"}}})
    def get(self, deal_id: int) -> Any:
        """The deal with its newest terms, kickoff and who still must acknowledge; the ETag
        is what a change must send as If-Match."""
        deal = service.read_deal(db.session, current_actor(), deal_id)
        return _with_etag(present.deal(db.session, deal), deal)

    @problems(412, 428)
    @guarded("deals.update", deal="deal_id")
    @blp.arguments(DealPatch)
    @blp.response(200, DealOut)
    def patch(self, data: dict[str, Any], deal_id: int) -> Any:
        """Change owners, contacts or the first shipment date (needs If-Match); the kickoff
        moves when the change breaks its slot."""
        deal = service.update_deal(db.session, current_actor(), deal_id, data,
                                   request.headers.get("If-Match"))
        return _with_etag(present.deal(db.session, deal), deal)

    @permanent
    def delete(self, deal_id: int) -> Any:
        """Deals are never deleted: they are evidence."""
        raise RecordIsPermanent("A closed deal and its terms stay on record.", allow="GET, PATCH")


@blp.route("/<int:deal_id>/terms")
class TermsInForce(MethodView):
    @guarded("read")
    @blp.arguments(AsOfArgs, location="query")
    @blp.response(200, InForceOut)
    def get(self, args: dict[str, Any], deal_id: int) -> Any:
        """The terms in force on a date (default today)."""
        on = args.get("as_of") or clock.today()
        deal, found = record.in_force(db.session, current_actor(), deal_id, on)
        if found is None:
            return {"deal_id": deal.id, "as_of": on, "version": None, "effective_from": None,
                    "digest": None, "terms": []}
        return {"deal_id": deal.id, "as_of": on, "version": found.version.number,
                "effective_from": found.version.effective_from, "digest": found.version.digest,
                "terms": [present.term(t, deal.currency) for t in found.terms]}


@blp.route("/<int:deal_id>/terms/versions")
class Versions(MethodView):
    @guarded("read")
    @blp.response(200, VersionListOut)
    def get(self, deal_id: int) -> Any:
        """Every version, oldest first, each with digest, author and reason."""
        deal, rows = record.versions(db.session, current_actor(), deal_id)
        return {"items": [present.version(v, deal.currency) for v in rows]}


@blp.route("/<int:deal_id>/terms/versions/<int:number>")
class OneVersion(MethodView):
    @guarded("read")
    @blp.response(200, VersionOut)
    def get(self, deal_id: int, number: int) -> Any:
        """One version with its signatures and acknowledgements."""
        v = record.version(db.session, current_actor(), deal_id, number)
        return present.version(v, v.deal.currency, db.session, full=True)

    @permanent
    def put(self, deal_id: int, number: int) -> Any:
        """Versions are never changed: amend the terms instead."""
        raise RecordIsPermanent("A terms version never changes; POST an amendment instead.")

    @permanent
    def patch(self, deal_id: int, number: int) -> Any:
        """Versions are never changed: amend the terms instead."""
        raise RecordIsPermanent("A terms version never changes; POST an amendment instead.")

    @permanent
    def delete(self, deal_id: int, number: int) -> Any:
        """Versions are never deleted."""
        raise RecordIsPermanent("A terms version is never deleted.")


@blp.route("/<int:deal_id>/terms/versions/<int:number>/diff")
class VersionDiff(MethodView):
    @guarded("read")
    @blp.arguments(DiffArgs, location="query")
    @blp.response(200, DiffOut)
    def get(self, args: dict[str, Any], deal_id: int, number: int) -> Any:
        """Terms added, removed and changed (field by field) from version `against`."""
        old, new, d = record.diff(db.session, current_actor(), deal_id, number, args["against"])
        return present.diff(deal_id, old, new, d)


@blp.route("/<int:deal_id>/terms/<int:term_id>/lineage")
class TermLineage(MethodView):
    @guarded("read")
    @blp.response(200, LineageOut)
    def get(self, deal_id: int, term_id: int) -> Any:
        """The dispute view of one term: every version of it, who changed it and why, the
        signatures and acknowledgements, the notes that mention it and the orders checked."""
        line = record.lineage(db.session, current_actor(), deal_id, term_id)
        from app.services.orders import orders_for_terms

        orders = orders_for_terms(db.session, [r.id for r in line.rows])
        return present.lineage(line, orders)


@blp.route("/<int:deal_id>/amendments")
class Amendments(MethodView):
    @problems(412, 428)
    @guarded("terms.amend", deal="deal_id")
    @idempotent
    @blp.arguments(AmendmentIn)
    @blp.response(201, VersionOut)
    def post(self, data: dict[str, Any], deal_id: int) -> Any:
        """Amend the terms (needs If-Match): add, replace or remove terms, with a reason; this
        makes the next version and asks for acknowledgements again."""
        v = record.amend(db.session, current_actor(), deal_id, data,
                         request.headers.get("If-Match"))
        return _with_etag(present.version(v, v.deal.currency), v.deal, 201)


@blp.route("/<int:deal_id>/signatures")
class Signatures(MethodView):
    @guarded("read")
    @blp.response(200, SignatureListOut)
    def get(self, deal_id: int) -> Any:
        """Every signature of the deal's versions, oldest first."""
        return {"items": [present.signature(s) for s in record.signatures_of_deal(
            db.session, current_actor(), deal_id)]}

    @guarded("signatures.record", deal="deal_id")
    @idempotent
    @blp.arguments(SignatureIn)
    @blp.response(201, SignatureOut)
    def post(self, data: dict[str, Any], deal_id: int) -> Any:
        """Sign a version's digest: the signer types their name and decides each option."""
        client = record.Client(ip=client_address(), user_agent=request.user_agent.string)
        return present.signature(record.sign(db.session, current_actor(), deal_id, data, client))


@blp.route("/<int:deal_id>/signatures/<int:signature_id>")
class OneSignature(MethodView):
    @guarded("read")
    @blp.response(200, SignatureOut)
    def get(self, deal_id: int, signature_id: int) -> Any:
        """One signature: who signed which digest, when, from where, with which decisions."""
        return present.signature(record.signature(db.session, current_actor(), deal_id,
                                                  signature_id))

    @permanent
    def put(self, deal_id: int, signature_id: int) -> Any:
        """Signatures are never changed: a new decision is a new signature."""
        raise RecordIsPermanent("A signature never changes; sign again to record a new one.")

    @permanent
    def patch(self, deal_id: int, signature_id: int) -> Any:
        """Signatures are never changed: a new decision is a new signature."""
        raise RecordIsPermanent("A signature never changes; sign again to record a new one.")

    @permanent
    def delete(self, deal_id: int, signature_id: int) -> Any:
        """Signatures are never deleted."""
        raise RecordIsPermanent("A signature is never deleted.")


@blp.route("/<int:deal_id>/acknowledgements")
class Acknowledgements(MethodView):
    @guarded("acknowledgements.record", deal="deal_id")
    @blp.arguments(AckIn)
    @blp.response(201, AckOut)
    @blp.alt_response(200, schema=AckOut, description="Already acknowledged")
    def post(self, data: dict[str, Any], deal_id: int) -> Any:
        """Confirm you read version n of the terms."""
        ack, created = record.acknowledge(db.session, current_actor(), deal_id, data["version"])
        state = record.ack_state(db.session, ack.version.deal)
        body = {**present.acknowledgement(ack), "pending": present.ack(state)["pending"]}
        return body, 201 if created else 200


@blp.route("/<int:deal_id>/notes")
class Notes(MethodView):
    @guarded("notes.write", deal="deal_id")
    @idempotent
    @blp.arguments(NoteIn)
    @blp.response(201, NoteOut)
    def post(self, data: dict[str, Any], deal_id: int) -> Any:
        """Record a conversation with the customer and what we promised in it."""
        return present.note(record.add_note(db.session, current_actor(), deal_id, data))

    @guarded("read")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, NoteListOut)
    def get(self, args: dict[str, Any], deal_id: int) -> Any:
        """The deal's conversation notes, oldest first."""
        return present.page(record.notes_of(db.session, current_actor(), deal_id, args["page"],
                                            args["per_page"]), present.note)

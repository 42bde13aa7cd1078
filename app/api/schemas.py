"""Request and response shapes of the HTTP API (the SPEC's field names)."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.api.fields import Country, Currency, DecimalString, Timezone, UTCDateTimeField
from app.policy import ROLES

NonEmpty = validate.Length(min=1)
# Ids are 32-bit on PostgreSQL: a bigger number names nothing, and is refused as input.
MAX_ID = 2**31 - 1
# Dates far outside business use are typing mistakes, and overflow date arithmetic.
DayRange = validate.Range(min=date(1900, 1, 1), max=date(9999, 1, 1))


def _id(**kwargs: Any) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _day(**kwargs: Any) -> fields.Date:
    return fields.Date(validate=DayRange, **kwargs)


NotBlank = validate.Regexp(r"\s*\S", error="Must not be blank.")


def _text(limit: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(min=1, max=limit), NotBlank], **kwargs)


# --- common ---------------------------------------------------------------------------------


class PageArgs(Schema):
    page = _id(load_default=1)
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class PageOut(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


class ProblemSchema(Schema):
    """RFC 9457 problem details: what every error answers; `errors` names fields."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class HealthOut(Schema):
    status = fields.String()
    database = fields.String()


class PingOut(Schema):
    status = fields.String()


# --- users ----------------------------------------------------------------------------------


class UserIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = _text(200, required=True)
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True,
                        validate=NonEmpty)
    timezone = Timezone(load_default="UTC")
    country = Country(allow_none=True, load_default=None)
    password = fields.String(load_only=True, validate=validate.Length(min=10, max=200))


class UserOut(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    roles = fields.List(fields.String())
    timezone = fields.String()
    country = fields.String(allow_none=True)
    working_hours = fields.Dict(allow_none=True)
    active = fields.Boolean()
    created_at = fields.DateTime()
    calendar_feed = fields.String()


class UserListOut(PageOut):
    items = fields.List(fields.Nested(UserOut))


class TokenIn(Schema):
    label = fields.String(load_default="", validate=validate.Length(max=200))


class TokenOut(Schema):
    id = fields.Integer()
    token = fields.String()
    prefix = fields.String()
    label = fields.String()
    created_at = fields.DateTime()


class AvailabilityIn(Schema):
    timezone = Timezone(required=True)
    country = Country(allow_none=True)
    working_hours = fields.Dict(keys=fields.String(), values=fields.List(fields.List(
        fields.String())), required=True)


class BusyBlockIn(Schema):
    start = UTCDateTimeField(required=True)
    end = UTCDateTimeField(required=True)
    label = fields.String(load_default="busy", validate=validate.Length(max=200))

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        if data["end"] <= data["start"]:
            raise ValidationError("Must end after it starts.", "end")


class BusyIn(Schema):
    blocks = fields.List(fields.Nested(BusyBlockIn), required=True, validate=NonEmpty)


class BusyBlockOut(Schema):
    id = fields.Integer()
    start = fields.DateTime()
    end = fields.DateTime()
    label = fields.String()
    source = fields.String()


class BusyOut(Schema):
    blocks = fields.List(fields.Nested(BusyBlockOut))


# --- accounts, contacts, catalog ------------------------------------------------------------


class AccountIn(Schema):
    name = _text(200, required=True)
    external_ref = fields.String(validate=validate.Length(max=100), allow_none=True)
    country = Country(allow_none=True)
    timezone = Timezone(load_default="UTC")


class AccountOut(Schema):
    id = fields.Integer()
    name = fields.String()
    external_ref = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    timezone = fields.String()
    created_at = fields.DateTime()


class AccountListArgs(PageArgs):
    q = fields.String()


class AccountListOut(PageOut):
    items = fields.List(fields.Nested(AccountOut))


class ContactIn(Schema):
    name = _text(200, required=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    title = fields.String(load_default="", validate=validate.Length(max=200))
    timezone = Timezone(allow_none=True)


class ContactOut(Schema):
    id = fields.Integer()
    account_id = fields.Integer()
    name = fields.String()
    email = fields.String()
    title = fields.String()
    timezone = fields.String(allow_none=True)


class ContactListOut(PageOut):
    items = fields.List(fields.Nested(ContactOut))


class ProductOut(Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    category = fields.String()
    list_price = DecimalString()
    currency = fields.String()


class ProductListArgs(PageArgs):
    category = fields.String()


class ProductListOut(PageOut):
    items = fields.List(fields.Nested(ProductOut))


class ProductsSaved(Schema):
    items = fields.List(fields.Nested(ProductOut))
    count = fields.Integer()


class TermJson(Schema):
    """One term as JSON: {"kind", "params", "note", "valid_from", "valid_to"} (+ "id")."""

    id = fields.Integer()
    replaces_id = fields.Integer()
    kind = fields.String(required=True)
    params = fields.Dict(required=True)
    note = fields.String(allow_none=True)
    valid_from = fields.String(allow_none=True)
    valid_to = fields.String(allow_none=True)
    summary = fields.String()


class StandardTermsIn(Schema):
    terms = fields.List(fields.Dict(), required=True)


class StandardTermsOut(Schema):
    terms = fields.List(fields.Nested(TermJson))
    updated_at = fields.DateTime(allow_none=True)
    author_id = fields.Integer(allow_none=True)


# --- deals ----------------------------------------------------------------------------------


class DealIn(Schema):
    account_id = _id(required=True)
    title = _text(200, required=True)
    external_ref = fields.String(validate=validate.Length(max=100), allow_none=True)
    currency = Currency(required=True)
    closed_at = UTCDateTimeField()
    effective_from = _day()
    first_shipment_date = _day(required=True)
    sales_owner_id = _id()
    account_manager_id = _id(required=True)
    fulfillment_lead_id = _id(required=True)
    contact_ids = fields.List(_id(), load_default=list)
    terms = fields.List(fields.Dict(), load_default=list)


class DealPatch(Schema):
    title = _text(200)
    external_ref = fields.String(validate=validate.Length(max=100), allow_none=True)
    first_shipment_date = _day()
    sales_owner_id = _id()
    account_manager_id = _id()
    fulfillment_lead_id = _id()
    contact_ids = fields.List(_id())

    @validates_schema
    def _something(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ValidationError("Send at least one field to change.", "body")


class DealListArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(("closed", "kicked_off", "shipping")))
    account = _id()
    owner = _id()
    kickoff = fields.String(validate=validate.OneOf(
        ("scheduled", "unscheduled", "held", "cancelled", "at_risk")))
    q = fields.String()


class SignatureOut(Schema):
    id = fields.Integer()
    version = fields.Integer()
    digest = fields.String()
    signer = fields.Dict()
    typed_name = fields.String()
    decisions = fields.List(fields.Dict())
    signed_at = fields.DateTime()
    ip = fields.String()
    user_agent = fields.String()
    recorded_by_id = fields.Integer()


class AckItemOut(Schema):
    id = fields.Integer()
    version = fields.Integer()
    user_id = fields.Integer()
    name = fields.String()
    acknowledged_at = fields.DateTime()


class VersionOut(Schema):
    number = fields.Integer()
    digest = fields.String()
    effective_from = fields.Date()
    reason = fields.String()
    author_id = fields.Integer()
    author = fields.String()
    created_at = fields.DateTime()
    terms = fields.List(fields.Nested(TermJson))
    signatures = fields.List(fields.Nested(SignatureOut))
    acknowledgements = fields.List(fields.Nested(AckItemOut))


class AttendeeOut(Schema):
    user_id = fields.Integer()
    contact_id = fields.Integer()
    name = fields.String()
    email = fields.String()
    required = fields.Boolean()


class KickoffOut(Schema):
    status = fields.String()
    start = fields.String(allow_none=True)
    end = fields.String(allow_none=True)
    earliest = fields.String()
    deadline = fields.String()
    uid = fields.String()
    sequence = fields.Integer()
    at_risk = fields.Boolean()
    held_at = fields.String(allow_none=True)
    minutes = fields.String()
    attendees = fields.List(fields.Nested(AttendeeOut))
    agenda = fields.List(fields.String())


class PendingOut(Schema):
    user_id = fields.Integer()
    name = fields.String()
    email = fields.String()


class AckStateOut(Schema):
    version = fields.Integer()
    acknowledged = fields.List(fields.Nested(AckItemOut))
    pending = fields.List(fields.Nested(PendingOut))


class DealOut(Schema):
    id = fields.Integer()
    status = fields.String()
    account_id = fields.Integer()
    account_name = fields.String()
    title = fields.String()
    external_ref = fields.String(allow_none=True)
    currency = fields.String()
    closed_at = fields.DateTime()
    first_shipment_date = fields.Date()
    sales_owner_id = fields.Integer()
    account_manager_id = fields.Integer()
    fulfillment_lead_id = fields.Integer()
    contact_ids = fields.List(fields.Integer())
    revision = fields.Integer()
    terms_version = fields.Nested(VersionOut)
    kickoff = fields.Nested(KickoffOut, allow_none=True)
    kickoff_at_risk = fields.Boolean()
    acknowledgements = fields.Nested(AckStateOut)
    links = fields.Dict()


class DealSummaryOut(Schema):
    id = fields.Integer()
    status = fields.String()
    account_id = fields.Integer()
    account_name = fields.String()
    title = fields.String()
    external_ref = fields.String(allow_none=True)
    currency = fields.String()
    first_shipment_date = fields.Date()
    sales_owner_id = fields.Integer()
    kickoff_status = fields.String(allow_none=True)
    kickoff_start = fields.String(allow_none=True)
    kickoff_at_risk = fields.Boolean()
    terms_version = fields.Integer()


class DealListOut(PageOut):
    items = fields.List(fields.Nested(DealSummaryOut))


class AsOfArgs(Schema):
    as_of = _day()


class InForceOut(Schema):
    deal_id = fields.Integer()
    as_of = fields.Date()
    version = fields.Integer(allow_none=True)
    effective_from = fields.Date(allow_none=True)
    digest = fields.String(allow_none=True)
    terms = fields.List(fields.Nested(TermJson))


class VersionListOut(Schema):
    items = fields.List(fields.Nested(VersionOut))


class DiffArgs(Schema):
    against = _id(required=True)


class DiffOut(Schema):
    deal_id = fields.Integer()
    version = fields.Integer()
    against = fields.Integer()
    added = fields.List(fields.Dict())
    removed = fields.List(fields.Dict())
    changed = fields.List(fields.Dict())


class ReplaceItem(Schema):
    term_id = _id(required=True)
    kind = fields.Raw(required=True)
    params = fields.Raw(required=True)
    note = fields.Raw()
    valid_from = fields.Raw(allow_none=True)
    valid_to = fields.Raw(allow_none=True)


class AmendmentIn(Schema):
    reason = _text(2000, required=True)
    effective_from = _day(required=True)
    add = fields.List(fields.Dict(), load_default=list)
    replace = fields.List(fields.Nested(ReplaceItem), load_default=list)
    remove = fields.List(fields.Raw(), load_default=list)

    @validates_schema
    def _remove_ids(self, data: dict[str, Any], **_: Any) -> None:
        for i, item in enumerate(data.get("remove", [])):
            value = item.get("term_id") if isinstance(item, dict) else item
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValidationError("Give the id of a term to remove.", f"remove.{i}")


class SignerIn(Schema):
    contact_id = _id()
    user_id = _id()


class DecisionIn(Schema):
    option = _text(100, required=True)
    decision = fields.String(required=True, validate=validate.OneOf(("accept", "decline")))


class SignatureIn(Schema):
    version = _id(required=True)
    signer = fields.Nested(SignerIn, required=True)
    typed_name = _text(200, required=True)
    decisions = fields.List(fields.Nested(DecisionIn), load_default=list)
    digest = fields.String(validate=validate.Length(equal=64))


class SignatureListOut(Schema):
    items = fields.List(fields.Nested(SignatureOut))


class AckIn(Schema):
    version = _id(required=True)


class AckOut(AckItemOut):
    pending = fields.List(fields.Nested(PendingOut))


class PromiseIn(Schema):
    text = _text(2000, required=True)
    due = _day(required=True)
    owner_id = _id()


class NoteIn(Schema):
    channel = fields.String(load_default="call", validate=validate.OneOf(
        ("call", "email", "meeting", "visit", "chat", "other")))
    contact_id = _id(allow_none=True)
    text = _text(20000, required=True)
    term_ids = fields.List(_id(), load_default=list)
    promises = fields.List(fields.Nested(PromiseIn), load_default=list)


class PromiseOut(Schema):
    id = fields.Integer()
    text = fields.String()
    due = fields.Date()
    owner_id = fields.Integer()


class NoteOut(Schema):
    id = fields.Integer()
    deal_id = fields.Integer()
    author_id = fields.Integer()
    author = fields.String()
    channel = fields.String()
    contact_id = fields.Integer(allow_none=True)
    text = fields.String()
    term_ids = fields.List(fields.Integer())
    promises = fields.List(fields.Nested(PromiseOut))
    created_at = fields.DateTime()


class NoteListOut(PageOut):
    items = fields.List(fields.Nested(NoteOut))


class LineageOut(Schema):
    deal_id = fields.Integer()
    term_id = fields.Integer()
    history = fields.List(fields.Dict())
    signatures = fields.List(fields.Nested(SignatureOut))
    acknowledgements = fields.List(fields.Nested(AckItemOut))
    notes = fields.List(fields.Nested(NoteOut))
    orders = fields.List(fields.Dict())


# --- kickoff --------------------------------------------------------------------------------


class RescheduleIn(Schema):
    start = UTCDateTimeField()


class HeldIn(Schema):
    held_at = UTCDateTimeField()
    # Left out, the required people are recorded as the attendees; given, it names somebody.
    attendee_ids = fields.List(_id(), validate=validate.Length(
        min=1, error="Say who attended: at least one person."))
    minutes = fields.String(load_default="", validate=validate.Length(max=50000))


# --- audit ----------------------------------------------------------------------------------


class AuditArgs(PageArgs):
    entity = fields.String()
    entity_id = fields.String()
    action = fields.String()


class AuditEventOut(Schema):
    seq = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    entity = fields.String()
    entity_id = fields.String()
    data = fields.Dict()
    prev_hash = fields.String()
    hash = fields.String()


class AuditListOut(PageOut):
    items = fields.List(fields.Nested(AuditEventOut))


class VerifyOut(Schema):
    ok = fields.Boolean()
    events = fields.Integer()
    head = fields.String()
    first_bad_event = fields.Integer()
    reason = fields.String()

"""The tables of Handoff. Records that are evidence (terms, versions, signatures, audit events)
are only ever inserted; the services never update or delete them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.db.base import Base, JSONType, Money, UTCDateTime


def utcnow() -> datetime:
    return clock.now()


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSONType, default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    working_hours: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    feed_token: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()


class BusyBlock(Base):
    __tablename__ = "busy_blocks"
    # A slot search reads a person's blocks that end after its window opens: found by range,
    # so the blocks of years gone by are never read again.
    __table_args__ = (Index("ix_busy_blocks_user_id_end", "user_id", "end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    label: Mapped[str] = mapped_column(String(200), default="busy")
    source: Mapped[str] = mapped_column(String(10), default="json")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contacts: Mapped[list[Contact]] = relationship(back_populates="account", order_by="Contact.id")


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    title: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship(back_populates="contacts")


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(100), default="")
    list_price: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StandardTerms(Base):
    """Each PUT of the company's standard terms is a new row: what "standard" meant is kept."""

    __tablename__ = "standard_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Deal(Base):
    __tablename__ = "deals"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    external_ref: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    currency: Mapped[str] = mapped_column(String(3))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_shipment_date: Mapped[date] = mapped_column(Date)
    sales_owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    account_manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    fulfillment_lead_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default="closed")
    # Bumped on every change to the deal or its terms; the ETag is made from it.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    account: Mapped[Account] = relationship()
    sales_owner: Mapped[User] = relationship(foreign_keys=[sales_owner_id])
    account_manager: Mapped[User] = relationship(foreign_keys=[account_manager_id])
    fulfillment_lead: Mapped[User] = relationship(foreign_keys=[fulfillment_lead_id])
    contacts: Mapped[list[Contact]] = relationship(secondary="deal_contacts", order_by="Contact.id")
    versions: Mapped[list[TermsVersionRow]] = relationship(
        back_populates="deal", order_by="TermsVersionRow.number"
    )


class DealContact(Base):
    __tablename__ = "deal_contacts"

    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), primary_key=True)


class TermRow(Base):
    """One promise. Unchanged terms are shared by successive versions; a changed one is a new
    row pointing at the row it replaces, so the lineage of a term is a chain of rows."""

    __tablename__ = "terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType)
    note: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("terms.id"), nullable=True)
    introduced_in: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TermsVersionRow(Base):
    __tablename__ = "terms_versions"
    __table_args__ = (UniqueConstraint("deal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    digest: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deal: Mapped[Deal] = relationship(back_populates="versions")
    author: Mapped[User] = relationship()
    entries: Mapped[list[VersionTerm]] = relationship(order_by="VersionTerm.position")


class VersionTerm(Base):
    __tablename__ = "terms_version_terms"

    version_id: Mapped[int] = mapped_column(ForeignKey("terms_versions.id"), primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)

    # Loaded with the entry: whoever reads a version's entries reads their terms, and one
    # query per term (the default) made every read of a version an N+1.
    term: Mapped[TermRow] = relationship(lazy="joined", innerjoin=True)


class Signature(Base):
    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("terms_versions.id"))
    digest: Mapped[str] = mapped_column(String(64))
    signer_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), nullable=True)
    signer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    typed_name: Mapped[str] = mapped_column(String(200))
    decisions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    version: Mapped[TermsVersionRow] = relationship()


class Acknowledgement(Base):
    __tablename__ = "acknowledgements"
    __table_args__ = (UniqueConstraint("version_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("terms_versions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[TermsVersionRow] = relationship()
    user: Mapped[User] = relationship()


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(20))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    term_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()
    promises: Mapped[list[Promise]] = relationship(order_by="Promise.id")


class Promise(Base):
    __tablename__ = "promises"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    due: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSONType, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """One row holding the chain's head. Appends lock it, so the chain cannot fork."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class Kickoff(Base):
    """The one kickoff meeting of a deal. Its UID never changes; SEQUENCE rises on every change
    the attendees are told about."""

    __tablename__ = "kickoffs"
    # A slot search reads the scheduled kickoffs that end after its window opens: the upcoming
    # ones, found by range instead of by reading every kickoff ever scheduled.
    __table_args__ = (Index("ix_kickoffs_status_end", "status", "end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), unique=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), index=True)
    start: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    earliest: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    invited_user_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    invited_contact_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    held_attendee_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    minutes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deal: Mapped[Deal] = relationship()


class OutboxMessage(Base):
    """A message waiting to be sent. Claimed with a row lock, so each is sent once."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), nullable=True, index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text, nullable=True)
    ics_method: Mapped[str | None] = mapped_column(String(10), nullable=True)
    brief_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DueWork(Base):
    """Work that falls due at a time: reminders, escalations, follow-ups. The unique key makes
    planning the same reminder twice a no-op."""

    __tablename__ = "due_work"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), nullable=True, index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrderRecord(Base):
    """A customer order (PO). Re-checking the same PO for the same deal adds a check to it."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("deal_id", "po_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), nullable=True, index=True)
    po_number: Mapped[str] = mapped_column(String(100))
    account_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    order_date: Mapped[date] = mapped_column(Date, index=True)
    requested_ship_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    body: Mapped[dict[str, Any]] = mapped_column(JSONType)
    source: Mapped[str] = mapped_column(String(10), default="json")
    status: Mapped[str] = mapped_column(String(10), index=True)
    decision: Mapped[str | None] = mapped_column(String(10), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    checks: Mapped[list[OrderCheck]] = relationship(order_by="OrderCheck.id",
                                                    back_populates="order")


class OrderCheck(Base):
    __tablename__ = "order_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    terms_version_id: Mapped[int | None] = mapped_column(ForeignKey("terms_versions.id"),
                                                         nullable=True)
    terms_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(10))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[OrderRecord] = relationship(back_populates="checks")
    deviations: Mapped[list[DeviationRecord]] = relationship(order_by="DeviationRecord.id")


class DeviationRecord(Base):
    __tablename__ = "order_deviations"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("order_checks.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    term_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    line: Mapped[int | None] = mapped_column(Integer, nullable=True)
    field: Mapped[str | None] = mapped_column(String(60), nullable=True)
    expected: Mapped[str | None] = mapped_column(String(200), nullable=True)
    actual: Mapped[str | None] = mapped_column(String(200), nullable=True)
    message: Mapped[str] = mapped_column(Text)


class OrderDecision(Base):
    __tablename__ = "order_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("order_checks.id"))
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class CapUse(Base):
    """What a counted order takes from a volume cap. Derived from checks and decisions; the
    check that writes it holds a lock on the cap's term row, so two checks never both take the
    last units."""

    __tablename__ = "cap_usage"
    __table_args__ = (UniqueConstraint("term_id", "order_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)


class SeveritySetting(Base):
    __tablename__ = "severity_settings"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    severity: Mapped[str] = mapped_column(String(10))
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebSession(Base):
    """A signed-in browser. The cookie holds only a random id whose hash is stored here, so
    signing out ends the session on the server and a copied cookie cannot be replayed."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(400), default="")

    user: Mapped[User] = relationship()


class OrderQuestion(Base):
    """Fulfillment asks the deal's salesperson about a deviation on an order."""

    __tablename__ = "order_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    deviation_id: Mapped[int] = mapped_column(ForeignKey("order_deviations.id"))
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asked_to_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[OrderRecord] = relationship()
    deviation: Mapped[DeviationRecord] = relationship()
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id])
    asked_to: Mapped[User] = relationship(foreign_keys=[asked_to_id])
    answer: Mapped[OrderAnswer | None] = relationship(back_populates="question")


class OrderAnswer(Base):
    """The salesperson's answer, kept on the order beside the question; one per question."""

    __tablename__ = "order_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("order_questions.id"), unique=True)
    answered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[OrderQuestion] = relationship(back_populates="answer")
    answered_by: Mapped[User] = relationship()


class OrderReview(Base):
    """Fulfillment ticked off one MANUAL_REVIEW item of an order's check: the clause was looked
    at for this order. A re-check makes new items, to be ticked off again."""

    __tablename__ = "order_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("order_checks.id"))
    deviation_id: Mapped[int] = mapped_column(ForeignKey("order_deviations.id"), unique=True)
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deviation: Mapped[DeviationRecord] = relationship()
    reviewed_by: Mapped[User] = relationship()

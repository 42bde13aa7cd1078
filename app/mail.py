"""Delivery of invitations and notices: SMTP when MAIL_URL is set, else .eml files in the
instance outbox folder."""

from __future__ import annotations

import hashlib
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from app.db.models import OutboxMessage

DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes


def compose(message: OutboxMessage, sender: str, attachment: Attachment | None = None)\
        -> EmailMessage:
    """An email; with an invitation, an iMIP text/calendar part (RFC 6047) carrying the method."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message_id(message, sender)
    email["X-Handoff-Message"] = message.dedupe_key
    email.set_content(message.body)
    if message.ics:
        method = message.ics_method or "REQUEST"
        email.add_alternative(message.ics.encode("utf-8"), maintype="text", subtype="calendar",
                              params={"method": method, "charset": "UTF-8"}, cte="base64")
        email.add_attachment(message.ics.encode("utf-8"), maintype="application",
                             subtype="ics", filename="invite.ics")
    if attachment is not None:
        email.add_attachment(attachment.content, maintype=DOCX[0], subtype=DOCX[1],
                             filename=attachment.filename)
    return email


def message_id(message: OutboxMessage, sender: str) -> str:
    """The same for every delivery of one outbox row, so a receiver recognises a resend (a
    sender that dies after the server accepted a message, before recording it, sends it again)."""
    digest = hashlib.sha256(message.dedupe_key.encode("utf-8")).hexdigest()[:16]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "handoff.local"
    return f"<handoff.{message.id}.{digest}@{domain}>"


def send_smtp(email: EmailMessage, mail_url: str) -> None:
    parts = urlsplit(mail_url)
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 25)
    client_class = smtplib.SMTP_SSL if secure else smtplib.SMTP
    with client_class(parts.hostname or "localhost", port, timeout=20) as client:
        if parts.scheme == "smtp+starttls":
            client.starttls()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(email)


def write_eml(email: EmailMessage, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.eml"
    path.write_bytes(bytes(email))
    return path


def deliver(email: EmailMessage, mail_url: str, outbox_folder: Path, name: str) -> None:
    """Send by SMTP, or without a mail server write the message where a person can open it."""
    if mail_url:
        send_smtp(email, mail_url)
    else:
        write_eml(email, outbox_folder, name)

"""Writing reply e-mails that thread in the customer's mail program."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.utils import timezone

from channels.adapters.base import AdapterError, OutgoingReply

REPLY_PREFIX = re.compile(r"^\s*(re|aw|sv|odp|réf|ref)\s*:", re.IGNORECASE)
MAX_REFERENCES = 20


def reply_message_id(reply: OutgoingReply, sender: str) -> str:
    """The same on every retry, so a resent mail is recognisably the same mail."""
    domain = sender.rpartition("@")[2] or "socialdesk.invalid"
    return f"{reply.idempotency_key or 'reply'}@{domain}"


def compose_reply(reply: OutgoingReply, *, sender: str, sender_name: str = "") -> EmailMessage:
    if reply.recipient is None or not reply.recipient.email:
        raise AdapterError("The person has no e-mail address to answer.", permanent=True)
    message = EmailMessage()
    message["From"] = formataddr((sender_name, sender)) if sender_name else sender
    message["To"] = formataddr((reply.recipient.display_name, reply.recipient.email))
    subject = reply.subject.strip() or "Your message"
    message["Subject"] = subject if REPLY_PREFIX.match(subject) else f"Re: {subject}"
    message["Message-ID"] = f"<{reply_message_id(reply, sender)}>"
    message["Date"] = format_datetime(reply.created_at or timezone.now())
    if reply.in_reply_to_platform_id:
        message["In-Reply-To"] = f"<{reply.in_reply_to_platform_id}>"
    references = [pid for pid in reply.thread_platform_ids if "@" in pid][-MAX_REFERENCES:]
    if references:
        message["References"] = " ".join(f"<{pid}>" for pid in references)
    message.set_content(reply.text, cte="quoted-printable")
    return message

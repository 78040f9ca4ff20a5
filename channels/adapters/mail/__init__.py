"""E-mail: IMAP polling and SMTP sending for a support mailbox."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from channels.adapters.base import (
    Adapter,
    Author,
    ConfigField,
    Mention,
    OutgoingReply,
    ParsedEvent,
    PollResult,
    RawEvent,
    SentReply,
)
from channels.adapters.mail import imap, smtp
from channels.adapters.mail.compose import compose_reply, reply_message_id
from channels.adapters.mail.parsing import parse_email, read_message_id
from channels.models import InboundEvent

BATCH = 25
SECURITY = ("ssl", "starttls", "none")


class EmailAdapter(Adapter):
    kind = "email"
    label = _("E-mail")
    description = "A support mailbox: read over IMAP, answered over SMTP."
    polls = True
    default_poll_interval = 60
    max_reply_length = 100_000
    config_fields: ClassVar[tuple[ConfigField, ...]] = (
        ConfigField("address", "Mailbox address", example="support@example.com"),
        ConfigField("from_name", "Sender name", required=False, default=""),
        ConfigField("username", "Login name", example="support@example.com"),
        ConfigField("password", "Password", secret=True),
        ConfigField("imap_host", "IMAP server", example="imap.example.com"),
        ConfigField("imap_port", "IMAP port", type="int", default=993),
        ConfigField("imap_security", "IMAP security", default="ssl", choices=SECURITY),
        ConfigField("mailbox", "Mailbox folder", default="INBOX"),
        ConfigField("smtp_host", "SMTP server", example="smtp.example.com"),
        ConfigField("smtp_port", "SMTP port", type="int", default=587),
        ConfigField("smtp_security", "SMTP security", default="starttls", choices=SECURITY),
        ConfigField(
            "smtp_login",
            "Log in to SMTP",
            type="bool",
            default=True,
            help_text=_("off for a relay that accepts mail from this host without a login"),
        ),
    )

    def _imap(self) -> imap.ImapAccount:
        c = self.config
        return imap.ImapAccount(
            host=c["imap_host"],
            port=int(c["imap_port"]),
            security=c["imap_security"],
            username=c["username"],
            password=self.secret("password"),
            mailbox=c["mailbox"],
        )

    def _smtp(self) -> smtp.SmtpAccount:
        c = self.config
        return smtp.SmtpAccount(
            host=c["smtp_host"],
            port=int(c["smtp_port"]),
            security=c["smtp_security"],
            username=c["username"] if c["smtp_login"] else "",
            password=self.secret("password"),
        )

    def check_credentials(self) -> str:
        count = imap.check_login(self._imap())
        smtp.check_login(self._smtp())
        return f"{self.config['address']}: {count} messages in {self.config['mailbox']}, SMTP ok"

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        batch = imap.fetch_new(
            self._imap(),
            uidvalidity=cursor.get("uidvalidity"),
            last_uid=int(cursor.get("last_uid", 0)),
            batch=BATCH,
        )
        events = tuple(
            # The Message-ID is the delivery id: the same mail polled again, or copied into
            # the folder twice, is stored once.
            RawEvent(body=raw, delivery_id=read_message_id(raw), content_type="message/rfc822")
            for _uid, raw in batch.messages
        )
        return PollResult(
            events=events,
            cursor={"uidvalidity": batch.uidvalidity, "last_uid": batch.last_uid},
            more=batch.more,
        )

    def check_payload(self, body: bytes) -> None:
        """Any bytes are an e-mail; a damaged one still parses with defects."""

    def parse(self, event: InboundEvent) -> ParsedEvent:
        return parse_mail(bytes(event.body), own_address=self.config["address"])

    def send_reply(self, reply: OutgoingReply) -> SentReply:
        sender = self.config["address"]
        message = compose_reply(reply, sender=sender, sender_name=self.config["from_name"])
        smtp.send(self._smtp(), message)
        return SentReply(platform_id=reply_message_id(reply, sender))


def parse_mail(raw: bytes, *, own_address: str) -> ParsedEvent:
    """One e-mail, however it reached us (IMAP, an inbound-parse service), as a mention."""
    mail = parse_email(raw)
    if mail.automatic_because:
        return ParsedEvent(ignored_because=mail.automatic_because)
    return ParsedEvent(
        mentions=(
            Mention(
                platform_id=mail.message_id,
                author=Author(
                    platform_user_id=mail.from_address,
                    kind="email",
                    email=mail.from_address,
                    display_name=mail.from_name,
                ),
                text=mail.display_text,
                subject=mail.subject,
                created_at=mail.date,
                parent_platform_id=mail.in_reply_to,
                thread_platform_ids=tuple(reversed(mail.references)),
                is_private=True,
                is_own=mail.from_address == own_address.lower(),
                attachments=mail.attachments,
                metadata={"full_text": mail.full_text, "to": list(mail.to)},
            ),
        )
    )

"""E-mail received through an inbound-parse service, answered over SMTP.

Many companies point their support domain's MX at SendGrid or Mailgun, which post each mail
to a URL. Each service is its own channel kind receiving at the channel's webhook URL; the
webhook view stores the posted form as it came, and `parse` reads the mail out of it with
the same parser as IMAP mail. Replies leave through the service's SMTP relay.

Replays: both services sign a timestamp, so a delivery older than the window is refused, and
a signed delivery seen before (the same Mailgun token, the same SendGrid signature) is refused
too: Mailgun signs only its token and timestamp, not the mail, so a captured signature would
otherwise carry any body.
"""

from __future__ import annotations

import time
from typing import ClassVar

from django.conf import settings
from django.http import HttpRequest

from channels.adapters.base import ConfigField, ParsedEvent, SignatureError
from channels.adapters.mail import SECURITY, EmailAdapter, parse_mail, smtp
from channels.adapters.mail.routes.form import Form, read_form
from channels.models import InboundEvent

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")

SMTP_FIELDS = (
    ConfigField("address", "Mailbox address", example="support@example.com"),
    ConfigField("from_name", "Sender name", required=False, default=""),
    ConfigField("smtp_host", "SMTP server", example="smtp.example.com"),
    ConfigField("smtp_port", "SMTP port", type="int", default=587),
    ConfigField("smtp_security", "SMTP security", default="starttls", choices=SECURITY),
    ConfigField("smtp_login", "Log in to SMTP", type="bool", default=True),
    ConfigField("username", "SMTP login name", required=False, default=""),
    ConfigField("password", "SMTP password", secret=True, required=False),
)


class InboundMailAdapter(EmailAdapter):
    """What the inbound-parse kinds share: a signed form in, SMTP out, no polling."""

    polls = False
    receives_webhooks = True
    webhook_content_types = FORM_TYPES
    # Seconds a signed timestamp may be away from our clock, either way.
    max_clock_skew: ClassVar[int] = 300

    @classmethod
    def max_delivery_bytes(cls) -> int:
        # A mail arrives whole, attachments and inline images included.
        return int(settings.INBOUND_MAIL_MAX_BYTES)

    def check_credentials(self) -> str:
        smtp.check_login(self._smtp())
        return f"{self.config['address']}: SMTP ok; mail arrives at {self.channel.webhook_url}"

    def check_payload(self, body: bytes) -> None:
        """Checked in verify_webhook, where the request's content type (with boundary) is."""

    def parse(self, event: InboundEvent) -> ParsedEvent:
        content_type = str(event.headers.get("Content-Type") or event.content_type)
        form = read_form(bytes(event.body), content_type)
        raw = self.mime_of(form, stored=bytes(event.body))
        return parse_mail(raw, own_address=self.config["address"])

    def mime_of(self, form: Form, *, stored: bytes) -> bytes:
        raise NotImplementedError

    def check_timestamp(self, value: str) -> None:
        try:
            moment = int(value)
        except ValueError:
            raise SignatureError("The signed timestamp is missing or not a number.") from None
        if abs(time.time() - moment) > self.max_clock_skew:
            raise SignatureError(
                f"The signed timestamp is more than {self.max_clock_skew} seconds away "
                "from now: an old delivery replayed, or a clock far off."
            )

    def refuse_replay(self, delivery_id: str) -> None:
        if InboundEvent.objects.filter(channel=self.channel, delivery_id=delivery_id).exists():
            raise SignatureError("This signed delivery was received before: a replay.")

    def form_of(self, request: HttpRequest) -> Form:
        return read_form(request.body, request.headers.get("Content-Type", ""))

"""The public contact form: an embeddable page whose submissions become tickets.

The form shows the privacy notice before it is sent; the stored event records which
notice (text, version, language) the person saw. Replies go to the person by e-mail.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from channels.adapters.base import (
    Adapter,
    AdapterError,
    Author,
    ConfigField,
    Mention,
    OutgoingReply,
    ParsedEvent,
    SentReply,
    load_json_object,
)
from channels.adapters.mail.compose import compose_reply, reply_message_id
from channels.models import Channel, InboundEvent

MAX_MESSAGE_LENGTH = 10_000


class WebFormAdapter(Adapter):
    kind = "webform"
    shows_notice_before_submission = True
    label = _("Web form")
    description = "A contact form to embed on the company's site; answers go out by e-mail."
    max_reply_length = 100_000
    config_fields = (
        ConfigField("site_name", "Site name shown on the form", required=False, default=""),
        ConfigField(
            "reply_from",
            "Sender address of replies and confirmations",
            required=False,
            default="",
            help_text=_("defaults to DEFAULT_FROM_EMAIL"),
        ),
        ConfigField(
            "embed_origins",
            "Sites that may embed the form",
            required=False,
            default="*",
            help_text=_(
                "space-separated origins for CSP frame-ancestors, e.g. https://example.com"
            ),
        ),
    )

    @classmethod
    def channel_for_token(cls, token: str) -> Channel | None:
        return Channel.objects.filter(kind=cls.kind, webhook_token=token, is_active=True).first()

    @property
    def form_path(self) -> str:
        return reverse("webform", kwargs={"token": self.channel.webhook_token})

    def entry_points(self) -> dict[str, str]:
        url = f"{settings.PUBLIC_BASE_URL}{self.form_path}"
        style = "width:100%;height:640px;border:0"
        return {
            "form": url,
            "embed": f'<iframe src="{url}" title="Contact" style="{style}"></iframe>',
        }

    @property
    def sender(self) -> str:
        return self.config["reply_from"] or settings.DEFAULT_FROM_EMAIL

    def parse(self, event: InboundEvent) -> ParsedEvent:
        form = load_json_object(bytes(event.body))
        email = form["email"].strip().lower()
        return ParsedEvent(
            mentions=(
                Mention(
                    platform_id=form["submission_id"],
                    # Known by address: the same person writing by e-mail is one contact.
                    author=Author(
                        platform_user_id=email, kind="email", email=email, display_name=form["name"]
                    ),
                    text=form["message"],
                    created_at=datetime.fromisoformat(form["submitted_at"]),
                    language=form.get("language", ""),
                    is_private=True,
                    metadata={
                        "privacy_notice": form["notice"],
                        # What desk.privacy records as the notice given on this conversation.
                        "retention_notice": {
                            "id": form["notice"].get("id"),
                            "shown_at": form["notice"].get("shown_at"),
                        },
                    },
                ),
            )
        )

    def send_reply(self, reply: OutgoingReply) -> SentReply:
        composed = compose_reply(reply, sender=self.sender, sender_name=self.config["site_name"])
        message = EmailMessage(
            subject=str(composed["Subject"]),
            body=reply.text,
            from_email=str(composed["From"]),
            to=[str(composed["To"])],
            headers={
                name: str(composed[name])
                for name in ("Message-ID", "In-Reply-To", "References")
                if composed[name]
            },
        )
        try:
            message.send()
        except OSError as exc:
            raise AdapterError(f"Sending the reply e-mail failed: {exc}") from None
        return SentReply(platform_id=reply_message_id(reply, self.sender))

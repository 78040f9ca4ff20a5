"""A signed JSON webhook for partners' systems that push mentions to us.

Deliveries carry `X-Socialdesk-Signature: sha256=<hex HMAC-SHA256 of the body>` keyed with the
channel's secret, and `X-Socialdesk-Delivery: <unique id>` so a replayed delivery is refused.

Replies go back only where the partner gave a `reply_url`: we POST them as signed JSON
(`{"type": "reply", "id", "in_reply_to", "text", "private"}`, same signature header, an
`Idempotency-Key`), and the partner answers 2xx, optionally with `{"id": "<its id>"}`. Without
a reply URL the channel cannot send, which the composer says before anyone writes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels import http
from channels.adapters.base import (
    Adapter,
    AdapterError,
    Author,
    ConfigField,
    InvalidPayload,
    Mention,
    OutgoingReply,
    ParsedEvent,
    SentReply,
    SignatureError,
    contains_nul,
    load_json_object,
)
from channels.models import InboundEvent

SIGNATURE_HEADER = "X-Socialdesk-Signature"
DELIVERY_HEADER = "X-Socialdesk-Delivery"
IGNORED_TYPES = {"ping": "connectivity check"}


class GenericWebhookAdapter(Adapter):
    kind = "webhook"
    label = _("Signed JSON webhook")
    receives_webhooks = True
    config_fields = (
        ConfigField("secret", "Shared signing secret", secret=True),
        ConfigField(
            "reply_url",
            "Reply URL",
            required=False,
            type="url",
            default="",
            help_text=_("Where the partner accepts our replies; empty: replies cannot be sent."),
        ),
    )

    @property
    def can_send_replies(self) -> bool:
        return bool(self.config.get("reply_url"))

    def send_reply(self, reply: OutgoingReply) -> SentReply:
        url = str(self.config.get("reply_url") or "")
        if not url:
            raise AdapterError(f"{self.label} channels cannot send replies.", permanent=True)
        body = json.dumps(
            {
                "type": "reply",
                "id": reply.idempotency_key,
                "in_reply_to": reply.in_reply_to_platform_id,
                "text": reply.text,
                "private": reply.is_private,
            }
        ).encode()
        secret = self.channel.credentials.get("secret", "")
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        response = http.request(
            "POST",
            url,
            data=body,
            headers={
                "Content-Type": "application/json",
                SIGNATURE_HEADER: signature,
                "Idempotency-Key": reply.idempotency_key,
            },
        )
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        given = answer.get("id") if isinstance(answer, dict) else None
        return SentReply(platform_id=str(given or reply.idempotency_key))

    def verify_webhook(self, request: HttpRequest) -> None:
        secret = self.channel.credentials.get("secret", "")
        if not secret:
            raise SignatureError("This channel has no signing secret configured.")
        given = request.headers.get(SIGNATURE_HEADER, "")
        expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise SignatureError(f"Missing or wrong {SIGNATURE_HEADER} header.")

    def delivery_id(self, request: HttpRequest) -> str | None:
        return request.headers.get(DELIVERY_HEADER) or None

    def check_payload(self, body: bytes) -> None:
        payload = load_json_object(body)
        if contains_nul(payload):
            raise InvalidPayload("The payload must not contain NUL characters.")
        if payload.get("type", "message") != "message":
            return
        for name in ("id", "text", "author"):
            if name not in payload:
                raise InvalidPayload(f"Field {name!r} is required.")
        if not isinstance(payload["author"], dict) or not payload["author"].get("id"):
            raise InvalidPayload("Field 'author.id' is required.")
        if not isinstance(payload["text"], str):
            raise InvalidPayload("Field 'text' must be a string.")
        created = payload.get("created_at")
        if created is not None:
            try:
                datetime.fromisoformat(created)
            except (TypeError, ValueError):
                raise InvalidPayload("Field 'created_at' must be an ISO 8601 date-time.") from None

    def parse(self, event: InboundEvent) -> ParsedEvent:
        payload = load_json_object(bytes(event.body))
        event_type = payload.get("type", "message")
        if event_type in IGNORED_TYPES:
            return ParsedEvent(ignored_because=IGNORED_TYPES[event_type])
        if event_type != "message":
            return ParsedEvent(unsupported_because=f"unknown event type {event_type!r}")
        author = payload["author"]
        created = payload.get("created_at")
        return ParsedEvent(
            mentions=(
                Mention(
                    platform_id=str(payload["id"]),
                    author=Author(
                        platform_user_id=str(author["id"]),
                        handle=author.get("handle", ""),
                        display_name=author.get("name", ""),
                        profile_url=author.get("url", ""),
                        email=author.get("email", ""),
                    ),
                    text=payload["text"],
                    created_at=_aware(datetime.fromisoformat(created))
                    if created
                    else timezone.now(),
                    parent_platform_id=str(payload.get("parent_id") or ""),
                    url=payload.get("url", ""),
                    language=payload.get("language", ""),
                    is_private=bool(payload.get("private", False)),
                ),
            )
        )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

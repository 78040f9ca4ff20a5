"""Inquiries posted by REST clients (a shop, a CRM, a chatbot) over /api/v1/inquiries/."""

from __future__ import annotations

import uuid
from datetime import datetime

from channels.adapters.base import (
    Adapter,
    Author,
    Mention,
    OutgoingReply,
    ParsedEvent,
    SentReply,
    load_json_object,
)
from channels.models import InboundEvent


class ApiAdapter(Adapter):
    kind = "api"
    label = "REST API"
    max_reply_length = 10_000

    def parse(self, event: InboundEvent) -> ParsedEvent:
        # The API view has validated the body before storing it; the headers carry what the
        # view decided (the inquiry's id and the client) so that a later retry parses alike.
        body = load_json_object(bytes(event.body))
        inquiry_id = event.headers["inquiry_id"]
        client_id = event.headers["api_client"]
        author = body["author"]
        email = (author.get("email") or "").strip().lower()
        handle = (author.get("handle") or "").strip()
        if email:
            identity = Author(
                platform_user_id=email, kind="email", email=email, display_name=author["name"]
            )
        elif handle:
            identity = Author(
                platform_user_id=f"{client_id}:{handle}",
                handle=handle,
                display_name=author["name"],
            )
        else:
            identity = Author(
                platform_user_id=f"{client_id}:{inquiry_id}", display_name=author["name"]
            )
        return ParsedEvent(
            mentions=(
                Mention(
                    platform_id=inquiry_id,
                    author=identity,
                    text=body["text"],
                    created_at=datetime.fromisoformat(event.headers["received_at"]),
                    language=body.get("language") or "",
                    is_private=True,
                    metadata=body.get("metadata") or {},
                ),
            )
        )

    def send_reply(self, reply: OutgoingReply) -> SentReply:
        # REST clients read replies from GET /api/v1/inquiries/{id}/: recording is delivering.
        return SentReply(platform_id=f"reply-{uuid.uuid4()}")

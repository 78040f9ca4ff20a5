"""Delivering outbound messages through their channel's adapter, never twice."""

from __future__ import annotations

import logging
from enum import StrEnum

from django.db import transaction

from channels.adapters.base import AdapterError, Author, OutgoingReply
from tickets.models import Message

log = logging.getLogger(__name__)


class DeliveryOutcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


def deliver(message_id: int) -> DeliveryOutcome:
    # The row lock keeps a second worker from sending the same message while this one does;
    # the state check makes a redelivered task a no-op once the platform id is recorded.
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("channel", "conversation", "parent__author_identity")
            .filter(pk=message_id, delivery_state=Message.Delivery.QUEUED)
            .first()
        )
        if message is None:
            return DeliveryOutcome.SKIPPED
        parent = message.parent
        identity = parent.author_identity if parent else None
        reply = OutgoingReply(
            text=message.text,
            in_reply_to_platform_id=(parent.platform_id or "") if parent else "",
            conversation_root_platform_id=message.conversation.root_platform_id,
            is_private=message.conversation.is_private,
            recipient=Author(
                platform_user_id=identity.external_id,
                handle=identity.handle,
                display_name=identity.display_name,
                email=identity.email,
            )
            if identity
            else None,
            subject=message.conversation.subject,
            idempotency_key=f"socialdesk-{message.pk}",
        )
        try:
            sent = message.channel.adapter().send_reply(reply)
        except AdapterError as exc:
            message.delivery_error = str(exc)[:2000]
            if exc.permanent:
                message.delivery_state = Message.Delivery.FAILED
            message.save(update_fields=["delivery_error", "delivery_state"])
            log.warning("delivery of message %s failed: %s", message.pk, exc)
            return DeliveryOutcome.FAILED if exc.permanent else DeliveryOutcome.RETRY
        message.platform_id = sent.platform_id
        message.url = sent.url
        message.delivery_state = Message.Delivery.SENT
        message.delivery_error = ""
        message.save(update_fields=["platform_id", "url", "delivery_state", "delivery_error"])
        return DeliveryOutcome.SENT

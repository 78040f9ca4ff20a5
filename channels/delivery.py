"""Delivering outbound messages through their channel's adapter, never twice.

A delivery runs in two steps. First an attempt is recorded and committed, so that a crash
while the platform is being called leaves a trace. Then, holding the message's row lock,
the reply is sent and the platform's id recorded in the same transaction that marks the
message sent. When an earlier attempt may have reached the platform (it crashed or timed
out), the adapter is asked to look the reply up before sending it again.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from channels import hooks
from channels.adapters.base import AdapterError, Author, OutgoingReply
from channels.models import Channel, DeliveryAttempt
from tickets.models import Message

log = logging.getLogger(__name__)


class DeliveryOutcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


def _locked_queued(message_id: int) -> Message | None:
    return (
        Message.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("channel", "conversation", "parent__author_identity")
        .filter(
            pk=message_id,
            direction=Message.Direction.OUTBOUND,
            delivery_state=Message.Delivery.QUEUED,
        )
        .first()
    )


def deliver(message_id: int) -> DeliveryOutcome:
    with transaction.atomic():
        message = _locked_queued(message_id)
        if message is None:
            return DeliveryOutcome.SKIPPED
        earlier = list(
            DeliveryAttempt.objects.filter(message=message).values_list("outcome", flat=True)
        )
        attempt = DeliveryAttempt.objects.create(message=message)
    # An attempt without outcome crashed mid-send; a transient error may have been a timeout
    # after the platform accepted the post. Either way the reply may be out there already.
    unclear = any(outcome in ("", DeliveryAttempt.Outcome.RETRY) for outcome in earlier)
    with transaction.atomic():
        message = _locked_queued(message_id)
        if message is None:
            # Another worker delivered it between our two steps.
            attempt.delete()
            return DeliveryOutcome.SKIPPED
        reply = outgoing_reply(message)
        adapter = message.channel.adapter()
        try:
            sent = adapter.find_sent_reply(reply) if unclear else None
            found = sent is not None
            if sent is None:
                sent = adapter.send_reply(reply)
        except AdapterError as exc:
            return _record_failure(message, attempt, exc, attempts=len(earlier) + 1)
        now = timezone.now()
        message.platform_id = sent.platform_id
        message.url = sent.url
        message.delivery_state = Message.Delivery.SENT
        message.delivery_error = ""
        message.save(update_fields=["platform_id", "url", "delivery_state", "delivery_error"])
        attempt.outcome = DeliveryAttempt.Outcome.FOUND if found else DeliveryAttempt.Outcome.SENT
        attempt.finished_at = now
        attempt.save(update_fields=["outcome", "finished_at"])
        Channel.objects.filter(pk=message.channel_id).update(last_success_at=now)
        # The desk counts the response from this moment (SLA) and the notice it carries.
        hooks.reply_delivered(message.pk)
        return DeliveryOutcome.SENT


def outgoing_reply(message: Message) -> OutgoingReply:
    parent = message.parent
    identity = parent.author_identity if parent else None
    thread = list(
        message.conversation.messages.exclude(platform_id=None)
        .exclude(pk=message.pk)
        .order_by("created_at", "id")
        .values_list("platform_id", flat=True)[:50]
    )
    return OutgoingReply(
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
        created_at=message.created_at,
        thread_platform_ids=tuple(pid for pid in thread if pid),
    )


def _record_failure(
    message: Message, attempt: DeliveryAttempt, exc: AdapterError, *, attempts: int
) -> DeliveryOutcome:
    now = timezone.now()
    final = exc.permanent or attempts >= settings.DELIVERY_MAX_ATTEMPTS
    message.delivery_error = str(exc)[:2000]
    if final:
        message.delivery_state = Message.Delivery.FAILED
    message.save(update_fields=["delivery_error", "delivery_state"])
    attempt.outcome = DeliveryAttempt.Outcome.FAILED if final else DeliveryAttempt.Outcome.RETRY
    attempt.error = message.delivery_error
    attempt.finished_at = now
    attempt.save(update_fields=["outcome", "error", "finished_at"])
    failed: dict[str, Any] = {"last_error": message.delivery_error, "last_error_at": now}
    channel = Channel.objects.filter(pk=message.channel_id)
    if exc.disables_channel:
        channel.disable(message.delivery_error, **failed)
    else:
        channel.update(**failed)
    log.warning("delivery of message %s failed (attempt %s): %s", message.pk, attempts, exc)
    # The author learns now, whether the reply is given up or still queued for a retry.
    hooks.reply_failed(message.pk)
    return DeliveryOutcome.FAILED if final else DeliveryOutcome.RETRY


def requeue(message_id: int) -> bool:
    """Queue a reply whose delivery failed for another attempt; False if it is not failed
    or queued (sent meanwhile). The caller enqueues the delivery after the commit."""
    updated = Message.objects.filter(
        pk=message_id,
        direction=Message.Direction.OUTBOUND,
        delivery_state__in=(Message.Delivery.FAILED, Message.Delivery.QUEUED),
    ).update(delivery_state=Message.Delivery.QUEUED)
    return bool(updated)


def stale_queued_message_ids(*, limit: int = 200) -> list[int]:
    """Messages still queued long after their last attempt: their task was lost."""
    cutoff = timezone.now() - timedelta(seconds=settings.DELIVERY_SWEEP_AFTER_SECONDS)
    return list(
        Message.objects.filter(
            direction=Message.Direction.OUTBOUND,
            delivery_state=Message.Delivery.QUEUED,
            created_at__lte=cutoff,
        )
        .exclude(delivery_attempts__started_at__gt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )

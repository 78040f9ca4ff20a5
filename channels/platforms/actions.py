"""Running a requested platform action (channels.platforms.requests) once.

The task marks the action running in its own transaction before calling the platform, so a
crash mid-call never repeats it blindly.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from channels import hooks
from channels.errors import AdapterError
from channels.models import Channel
from channels.platforms.models import PlatformAction
from tickets.models import Message, TicketEvent

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def run_action(*, action_id: int, attempt: int = 1) -> str:
    """Run a queued action once; return its state ("queued" again means: retry later)."""
    with transaction.atomic():
        action = (
            PlatformAction.objects.select_for_update(skip_locked=True)
            .filter(pk=action_id, state=PlatformAction.State.QUEUED)
            .first()
        )
        if action is None:
            return "skipped"
        action.state = PlatformAction.State.RUNNING
        action.save(update_fields=["state"])
    action = PlatformAction.objects.select_related("message__channel", "ticket").get(pk=action_id)
    adapter = action.message.channel.adapter()
    try:
        if action.kind == PlatformAction.Kind.HIDE_COMMENT:
            adapter.hide_comment(action.message.platform_id)
            sent = None
        else:
            sent = adapter.send_private_reply(action.message.platform_id, action.text)
    except AdapterError as exc:
        return _failed(action, exc, attempt=attempt)
    with transaction.atomic():
        now = timezone.now()
        if sent is not None:
            action.result_message = Message.objects.create(
                conversation_id=action.ticket.conversation_id,
                channel=action.message.channel,
                direction=Message.Direction.OUTBOUND,
                platform_id=sent.platform_id,
                parent=action.message,
                sent_by=action.requested_by,
                text=action.text,
                url=sent.url,
                delivery_state=Message.Delivery.SENT,
                created_at=now,
            )
        action.state = PlatformAction.State.DONE
        action.error = ""
        action.finished_at = now
        action.save(update_fields=["state", "error", "finished_at", "result_message"])
        TicketEvent.record(
            action.ticket, action.kind, actor=action.requested_by, new=action.message_id
        )
        if action.result_message is not None:
            # A private reply is a response: the desk counts it from now, like a public one.
            hooks.reply_delivered(action.result_message.pk)
    return action.state


def _failed(action: PlatformAction, exc: AdapterError, *, attempt: int) -> str:
    final = exc.permanent or attempt >= MAX_ATTEMPTS
    action.state = PlatformAction.State.FAILED if final else PlatformAction.State.QUEUED
    action.error = str(exc)[:2000]
    action.finished_at = timezone.now() if final else None
    action.save(update_fields=["state", "error", "finished_at"])
    failed: dict[str, Any] = {"last_error": action.error, "last_error_at": timezone.now()}
    channel = Channel.objects.filter(pk=action.message.channel_id)
    if exc.disables_channel:
        channel.disable(action.error, **failed)
    else:
        channel.update(**failed)
    log.warning("platform action %s failed (attempt %s): %s", action.pk, attempt, exc)
    return action.state

"""Hiding a comment and answering a comment privately: platform actions staff request.

Each action is recorded (queued), then run by a task that marks it running in its own
transaction before calling the platform, so a crash mid-call never repeats it blindly.
Adapters offer them with `can_hide_comments`/`hide_comment(platform_id)` and
`can_reply_privately`/`send_private_reply(platform_id, text)`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from channels import hooks
from channels.adapters.base import AdapterError
from channels.models import Channel
from channels.platforms.models import PlatformAction
from tickets.models import Message, Ticket, TicketEvent

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class ActionRefused(Exception):
    """An action that cannot be requested; the message says why, for the ticket page."""


def _check(ticket: Ticket, message: Message, capability: str, what: str) -> None:
    if message.conversation_id != ticket.conversation_id or message.direction != "in":
        raise ActionRefused("That message is not a customer's message on this ticket.")
    if not message.platform_id:
        raise ActionRefused("That message has no id on its platform.")
    if not getattr(message.channel.adapter(), capability, False):
        raise ActionRefused(f"{message.channel.adapter().label} does not allow {what}.")


def _create(kind: str, ticket: Ticket, message: Message, actor: Any, text: str) -> PlatformAction:
    try:
        with transaction.atomic():
            action = PlatformAction.objects.create(
                kind=kind,
                ticket=ticket,
                message=message,
                text=text,
                requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise ActionRefused(
            f"{PlatformAction.Kind(kind).label} was already requested for that message."
        ) from None
    transaction.on_commit(lambda: _enqueue(action.pk))
    return action


def hide_comment(*, ticket: Ticket, message: Message, actor: Any) -> PlatformAction:
    """Hide a public comment that breaks the netiquette; the ticket leaves the queue unanswered."""
    _check(ticket, message, "can_hide_comments", "hiding comments")
    with transaction.atomic():
        action = _create(PlatformAction.Kind.HIDE_COMMENT, ticket, message, actor, "")
        if ticket.can_move_to(Ticket.Status.IGNORED):
            ticket.set_status(Ticket.Status.IGNORED, actor=actor, note="netiquette: comment hidden")
    return action


def reply_privately(*, ticket: Ticket, message: Message, actor: Any, text: str) -> PlatformAction:
    """Answer a public comment with a private message to its author (once per comment)."""
    text = text.strip()
    if not text:
        raise ActionRefused("The private reply is empty.")
    _check(ticket, message, "can_reply_privately", "private replies")
    return _create(PlatformAction.Kind.PRIVATE_REPLY, ticket, message, actor, text)


def _enqueue(action_id: int) -> None:
    from channels.platforms.tasks import run_platform_action

    try:
        run_platform_action.apply_async((action_id,))
    except Exception:  # noqa: BLE001 - the action stays queued, visible on the ticket
        log.warning("could not enqueue platform action %s", action_id, exc_info=True)


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
    update: dict[str, Any] = {"last_error": action.error, "last_error_at": timezone.now()}
    if exc.disables_channel:
        update.update(is_active=False, disabled_reason=action.error)
    Channel.objects.filter(pk=action.message.channel_id).update(**update)
    log.warning("platform action %s failed (attempt %s): %s", action.pk, attempt, exc)
    return action.state

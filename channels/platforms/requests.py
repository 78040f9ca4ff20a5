"""Hiding a comment and answering a comment privately: requesting the action.

Each action is recorded (queued) in the caller's transaction and handed to the task once it
commits; `channels.platforms.actions.run_action` then runs it. Who may request one is the
outbound gate's decision (desk.outbound.moderation), taken before these are called.
Adapters offer them with `can_hide_comments`/`hide_comment(platform_id)` and
`can_reply_privately`/`send_private_reply(platform_id, text)`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from channels.platforms.models import PlatformAction
from channels.platforms.tasks import run_platform_action
from tickets.models import Message, Ticket

log = logging.getLogger(__name__)


class ActionRefused(Exception):
    """An action that cannot be requested; the message says why, for the ticket page."""


def _check(ticket: Ticket, message: Message, capability: str, what: str) -> None:
    if message.conversation_id != ticket.conversation_id or message.direction != "in":
        raise ActionRefused(_("That message is not a customer's message on this ticket."))
    if not message.platform_id:
        raise ActionRefused(_("That message has no id on its platform."))
    if not getattr(message.channel.adapter(), capability, False):
        raise ActionRefused(
            _("%(label)s does not allow %(what)s.")
            % {"label": message.channel.adapter().label, "what": what}
        )


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
            _("%(label)s was already requested for that message.")
            % {"label": PlatformAction.Kind(kind).label}
        ) from None
    transaction.on_commit(lambda: _enqueue(action.pk))
    return action


def hide_comment(*, ticket: Ticket, message: Message, actor: Any) -> PlatformAction:
    """Hide a public comment that breaks the netiquette; the ticket leaves the queue unanswered."""
    _check(ticket, message, "can_hide_comments", "hiding comments")
    with transaction.atomic():
        action = _create(PlatformAction.Kind.HIDE_COMMENT, ticket, message, actor, "")
        if ticket.can_move_to(Ticket.Status.IGNORED):
            ticket.set_status(
                Ticket.Status.IGNORED, actor=actor, note=gettext_noop("netiquette: comment hidden")
            )
    return action


def reply_privately(*, ticket: Ticket, message: Message, actor: Any, text: str) -> PlatformAction:
    """Answer a public comment with a private message to its author (once per comment)."""
    text = text.strip()
    if not text:
        raise ActionRefused(_("The private reply is empty."))
    _check(ticket, message, "can_reply_privately", "private replies")
    return _create(PlatformAction.Kind.PRIVATE_REPLY, ticket, message, actor, text)


def _enqueue(action_id: int) -> None:
    try:
        run_platform_action.apply_async((action_id,))
    except Exception:  # noqa: BLE001 - the action stays queued, visible on the ticket
        log.warning("could not enqueue platform action %s", action_id, exc_info=True)

"""Platform actions on a customer's comment, through the gate: a private reply to its author
(a message leaving the company) and hiding it (moderation, seen by everyone on the platform).

`channels.platforms.actions` records and runs them; this module decides who may ask.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from channels.platforms.models import PlatformAction
from channels.platforms.requests import ActionRefused, hide_comment, reply_privately
from desk.outbound import gate
from tickets.models import Message, Ticket, TicketEvent

__all__ = ["ActionRefused", "hide", "reply_in_private"]


def reply_in_private(*, ticket: Ticket, message: Message, actor: Any, text: str) -> PlatformAction:
    _require(gate.Outgoing(gate.Kind.PRIVATE_REPLY, ticket, actor, text.strip()))
    return reply_privately(ticket=ticket, message=message, actor=actor, text=text)


def hide(*, ticket: Ticket, message: Message, actor: Any) -> PlatformAction:
    _require(gate.Outgoing(gate.Kind.HIDE_COMMENT, ticket, actor))
    return hide_comment(ticket=ticket, message=message, actor=actor)


def _require(outgoing: gate.Outgoing) -> None:
    result = gate.check(outgoing)
    if result.blocked or result.approval_reason:
        TicketEvent.record(
            outgoing.ticket,
            f"{outgoing.kind}_refused",
            actor=outgoing.actor,
            note=result.reason,
        )
        raise ActionRefused(result.reason or _("Not allowed."))

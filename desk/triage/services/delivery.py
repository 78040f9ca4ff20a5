"""What the ticket page tells the person about to write: replies that did not reach the
customer, a channel that cannot send, a ticket that gets no answer; and the retry."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from channels.delivery import requeue
from channels.tasks import deliver_message
from desk.access import Capability, can
from tickets.models import Message, Ticket, TicketEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ComposeState:
    # Our replies the customer has not received: failed for good, or queued after a failure.
    undelivered: list[Message]
    # Whether a reply typed here can reach the person on this channel at all.
    can_send: bool
    # The contact's e-mail address, another way to reach them when the channel cannot.
    contact_email: str
    # A netiquette-ignored ticket gets no answer until the mark is taken back.
    closed_for_netiquette: bool
    may_take_mark_back: bool


def may_take_netiquette_mark_back(user: Any) -> bool:
    """Spokespeople and managers decide that a post deserves an answer after all."""
    return can(user, Capability.ANSWER_NEGATIVE_POSTS) or can(user, Capability.EDIT_POLICIES)


def undelivered_replies(ticket: Ticket) -> list[Message]:
    failed = Q(delivery_state=Message.Delivery.FAILED) | (
        Q(delivery_state=Message.Delivery.QUEUED) & ~Q(delivery_error="")
    )
    return list(ticket.conversation.messages.filter(failed, direction=Message.Direction.OUTBOUND))


def compose_state(ticket: Ticket, user: Any) -> ComposeState:
    identities = ticket.contact.identities.exclude(email="").values_list("email", flat=True)
    return ComposeState(
        undelivered=sorted(undelivered_replies(ticket), key=lambda m: (m.created_at, m.pk)),
        can_send=ticket.channel.adapter().can_send_replies,
        contact_email=next(iter(identities), ""),
        closed_for_netiquette=ticket.status == Ticket.Status.IGNORED,
        may_take_mark_back=may_take_netiquette_mark_back(user),
    )


def retry_delivery(*, ticket: Ticket, message_id: int, actor: Any) -> bool:
    """Send a reply that did not arrive once more; the clock moves only if this one arrives."""
    with transaction.atomic():
        message = Message.objects.filter(
            pk=message_id, conversation_id=ticket.conversation_id
        ).first()
        if message is None or not requeue(message.pk):
            return False
        TicketEvent.record(ticket, "reply_retry", actor=actor, new=message.pk)
        transaction.on_commit(lambda: _enqueue(message.pk))
    return True


def _enqueue(message_id: int) -> None:
    try:
        deliver_message.apply_async((message_id,))
    except Exception:  # noqa: BLE001 - the message stays queued; the delivery sweep retries
        log.warning("could not enqueue delivery of %s", message_id, exc_info=True)

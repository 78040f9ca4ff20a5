"""A reply counts as a response when the platform accepted it (channels.hooks.reply_delivered).

Queueing a reply changes no clock: a reply that fails, or waits for a retry, leaves the clock
running. The delivery of a reply, or of its retry, meets the clock at the instant of delivery.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from channels.models import DeliveryAttempt
from channels.platforms.models import PlatformAction
from desk.sla import clocks
from tickets.models import Message, Ticket, TicketEvent

# Ticket events that name the reply message they queued.
REPLY_EVENTS = ("reply", "holding_reply")


def ticket_of_reply(message: Message) -> Ticket | None:
    """The ticket a reply answers: the one whose audit queued it, or the private reply's."""
    event = (
        TicketEvent.objects.filter(kind__in=REPLY_EVENTS, new_value=str(message.pk))
        .order_by("id")
        .first()
    )
    if event is not None:
        return Ticket.objects.filter(pk=event.ticket_id).first()
    action = PlatformAction.objects.filter(result_message=message).only("ticket_id").first()
    if action is not None:
        return Ticket.objects.filter(pk=action.ticket_id).first()
    return None


def on_reply_delivered(message_id: int) -> None:
    message = Message.objects.filter(pk=message_id).first()
    if message is None or message.delivery_state != Message.Delivery.SENT:
        return
    ticket = ticket_of_reply(message)
    if ticket is None:
        return  # a standalone retention notice, or a message no ticket queued
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    clocks.record_response(ticket=ticket, at=accepted_at(message), holding=message.is_holding_reply)


def accepted_at(message: Message) -> datetime:
    """When the platform took the message: its successful attempt's end (a private reply
    has no attempt; it is created as the platform answers)."""
    finished = (
        DeliveryAttempt.objects.filter(
            message=message,
            outcome__in=(DeliveryAttempt.Outcome.SENT, DeliveryAttempt.Outcome.FOUND),
        )
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    return finished or timezone.now()

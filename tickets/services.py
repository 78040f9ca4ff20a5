"""Writes on tickets that staff make: replies and notes. Status moves are Ticket.set_status."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from desk.privacy.services.reply_notice import notice_for_reply, record_reply_notice
from tickets.models import Conversation, Message, Note, Ticket, TicketEvent

log = logging.getLogger(__name__)


class ReplyRefused(Exception):
    """A reply that must not be sent as written; the message says why, for the composer."""


def post_reply(
    *,
    ticket: Ticket,
    author: Any,
    text: str,
    is_holding: bool = False,
    voice: str = Message.Voice.COMPANY,
    disclosure: str = "",
    approved_by: Any = None,
) -> Message:
    """Queue a public reply (or a holding reply) for delivery through the ticket's channel.

    Queueing changes no SLA clock: the reply counts as a response when the platform accepts it
    (desk.sla.delivery, on channels.hooks.reply_delivered). The conversation's first reply
    carries the retention notice where its channel gives it that way; the notice counts as
    given once that message is delivered (desk.privacy). A personal reply
    carries the employee disclosure (`#MyEmployer`), appended here so no path can post one
    without it. Who may post what is the caller's check (desk.triage); this function writes.
    """
    text = text.strip()
    if not text:
        raise ReplyRefused("The reply is empty.")
    if voice not in Message.Voice.values:
        raise ReplyRefused(f"Unknown voice {voice!r}.")
    disclosure = disclosure.strip()
    if voice == Message.Voice.PERSONAL and disclosure and disclosure not in text:
        text = f"{text} {disclosure}"
    adapter = ticket.channel.adapter()
    limit = adapter.max_reply_length
    if limit is not None and len(text) > limit:
        raise ReplyRefused(
            f"{adapter.label} allows {limit} characters; this reply has {len(text)}."
        )
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        conversation = ticket.conversation
        notice = notice_for_reply(conversation=conversation, text=text, max_length=limit)
        sent_text = notice.reply_text if notice else text
        if limit is not None and len(sent_text) > limit:
            raise ReplyRefused(
                f"{adapter.label} allows {limit} characters; with the retention notice this "
                f"first reply has {len(sent_text)}."
            )
        parent = (
            ticket.conversation.messages.filter(direction=Message.Direction.INBOUND)
            .order_by("-created_at", "-id")
            .first()
        )
        reply = Message.objects.create(
            conversation=ticket.conversation,
            channel=ticket.channel,
            direction=Message.Direction.OUTBOUND,
            parent=parent,
            sent_by=author if getattr(author, "is_authenticated", False) else None,
            text=sent_text,
            language=ticket.language,
            is_holding_reply=is_holding,
            voice=voice,
            delivery_state=Message.Delivery.QUEUED,
            created_at=now,
        )
        approval = (
            f", approved by {approved_by.get_username()}"
            if getattr(approved_by, "is_authenticated", False)
            else ""
        )
        TicketEvent.record(
            ticket,
            "holding_reply" if is_holding else "reply",
            actor=author,
            new=reply.pk,
            note=f"voice: {voice}{approval}",
        )
        if ticket.status == Ticket.Status.NEW:
            ticket.set_status(Ticket.Status.OPEN, actor=author)
        extra = (
            record_reply_notice(conversation=conversation, reply_notice=notice, reply=reply)
            if notice
            else []
        )
        Conversation.objects.filter(pk=conversation.pk).update(last_activity_at=now)
        for message in (reply, *extra):
            transaction.on_commit(lambda pk=message.pk: _enqueue_delivery(pk))
    return reply


def _enqueue_delivery(message_id: int) -> None:
    from channels.tasks import deliver_message

    try:
        deliver_message.apply_async((message_id,))
    except Exception:  # noqa: BLE001 - the message stays queued, visible to staff
        log.warning("could not enqueue delivery of %s", message_id, exc_info=True)


def add_note(*, ticket: Ticket, author: Any, text: str) -> Note:
    text = text.strip()
    if not text:
        raise ReplyRefused("The note is empty.")
    with transaction.atomic():
        note = Note.objects.create(ticket=ticket, author=author, text=text)
        TicketEvent.record(ticket, "note", actor=author, new=note.pk)
    return note

"""Edits and removals of inbound messages, as the platforms report them.

An edit updates the message's text and keeps the previous text as a revision; a removal
erases the text (the platforms' terms oblige us to honour deletions) and keeps the fact.
Both are written into the ticket's audit trail. Applying the same change twice changes
nothing; a change to a message we never stored is noted and otherwise dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from channels.models import Channel, InboundEvent
from channels.platforms.models import MessageRevision
from tickets.models import Message, Ticket, TicketEvent

if TYPE_CHECKING:
    from channels.adapters.base import MessageChange

REMOVED_TEXT = "[removed by its author on the platform]"


def apply_change(
    *, channel: Channel, change: MessageChange, inbound_event: InboundEvent | None = None
) -> str:
    """Apply one edit or removal; return a note when there was nothing to apply it to."""
    message = (
        Message.objects.select_for_update()
        .filter(channel=channel, platform_id=change.platform_id)
        .first()
    )
    if message is None:
        return f"{change.kind} of unknown message {change.platform_id}"
    if message.revisions.filter(kind=MessageRevision.Kind.REMOVED).exists():
        return ""
    if change.kind == MessageRevision.Kind.EDITED:
        if change.text == message.text:
            return ""
        previous, message.text = message.text, change.text
    elif change.kind == MessageRevision.Kind.REMOVED:
        previous, message.text = "", REMOVED_TEXT
        message.revisions.update(previous_text="")
    else:
        raise ValueError(f"Unknown change kind {change.kind!r}.")
    try:
        with transaction.atomic():
            MessageRevision.objects.create(
                message=message,
                kind=change.kind,
                previous_text=previous,
                happened_at=change.happened_at,
                inbound_event=inbound_event,
            )
    except IntegrityError:
        return ""
    message.save(update_fields=["text"])
    ticket = Ticket.objects.latest_of(message.conversation_id)
    if ticket is not None:
        TicketEvent.record(
            ticket,
            f"message_{change.kind}",
            new=message.pk,
            # The kind says what happened (in the reader's language); the note says when the
            # platform says it happened, which may be long before we heard of it.
            note=f"{change.happened_at:%Y-%m-%d %H:%M %Z}",
        )
    return ""

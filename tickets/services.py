"""Writes on the spine that need no layer above: notes, tags and queues by name.

Replies leave through the outbound gate (desk.outbound); status moves are Ticket.set_status.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tickets.models import Note, Queue, Tag, Ticket, TicketEvent


class EmptyNote(ValueError):
    """A note without text."""


def add_note(*, ticket: Ticket, author: Any, text: str) -> Note:
    text = text.strip()
    if not text:
        raise EmptyNote("The note is empty.")
    with transaction.atomic():
        note = Note.objects.create(ticket=ticket, author=author, text=text)
        TicketEvent.record(ticket, "note", actor=author, new=note.pk)
    return note


def tag_by_name(name: str) -> Tag:
    tag, _ = Tag.objects.get_or_create(name=name.strip().lower()[:50])
    return tag


def queue_by_slug(slug: str) -> Queue:
    # The default queues are seeded by a migration; recreating a missing one keeps routing
    # working on a database someone emptied by hand.
    queue, _ = Queue.objects.get_or_create(
        slug=slug, defaults={"name": Queue.DEFAULT_NAMES.get(slug, slug.title())}
    )
    return queue

"""Monitored mentions: reading the stream, and making a ticket of one an agent will answer.

Monitored channels (feeds, YouTube in the demo) record mentions without tickets. When an
agent decides one needs an answer, `make_ticket` opens a ticket for its conversation, routed
like any new mention, with its SLA clock starting at that moment (not when the mention was
posted: nobody promised to answer it before), and audited with who made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from channels.adapters.base import Author, Mention
from channels.models import Channel
from desk.classification.classifier import classify_text
from desk.classification.decisions import record_decision
from desk.classification.routing.engine import decide
from desk.sla import clocks
from tickets.models import Conversation, Message, Ticket, TicketEvent
from tickets.services import queue_by_slug, tag_by_name


class NotMonitored(Exception):
    """The message is not a mention on a monitored channel."""


@dataclass(frozen=True)
class StreamFilters:
    channel_ids: list[int]
    kinds: list[str]
    languages: list[str]
    search: str = ""
    # "open": without a ticket yet; "ticketed": made into one; "": both.
    state: str = ""
    before_id: int | None = None


def monitored_mentions(filters: StreamFilters) -> QuerySet[Message]:
    """Inbound messages on monitored channels, newest first, with their ticket if any."""
    tickets = Ticket.objects.filter(conversation_id=OuterRef("conversation_id"))
    rows = (
        Message.objects.filter(
            channel__service_level=Channel.ServiceLevel.MONITORED,
            direction=Message.Direction.INBOUND,
        )
        .select_related("channel", "author_identity")
        .annotate(ticketed=Exists(tickets))
        .order_by("-id")
    )
    if filters.channel_ids:
        rows = rows.filter(channel_id__in=filters.channel_ids)
    if filters.kinds:
        rows = rows.filter(channel__kind__in=filters.kinds)
    if filters.languages:
        rows = rows.filter(language__in=filters.languages)
    if filters.search:
        rows = rows.filter(
            Q(text__icontains=filters.search)
            | Q(author_identity__display_name__icontains=filters.search)
            | Q(author_identity__handle__icontains=filters.search)
        )
    if filters.state == "open":
        rows = rows.filter(ticketed=False)
    elif filters.state == "ticketed":
        rows = rows.filter(ticketed=True)
    if filters.before_id is not None:
        rows = rows.filter(id__lt=filters.before_id)
    return rows


def tickets_by_conversation(conversation_ids: list[int]) -> dict[int, Ticket]:
    """The newest ticket of each conversation, for the stream's links."""
    return Ticket.objects.latest_by_conversation(conversation_ids)


@dataclass(frozen=True)
class MadeTicket:
    ticket: Ticket
    created: bool


def make_ticket(*, message_id: int, actor: Any, now: datetime | None = None) -> MadeTicket:
    """Open a ticket for a monitored mention's conversation, or return the one it has.

    The conversation row is locked, so two agents clicking at once make one ticket.
    """
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_related("channel", "author_identity")
            .filter(pk=message_id, direction=Message.Direction.INBOUND)
            .first()
        )
        if message is None or message.channel.is_served:
            raise NotMonitored(f"Message {message_id} is not a monitored mention.")
        conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
        existing = (
            Ticket.objects.filter(conversation=conversation, status__in=Ticket.ACTIVE_STATUSES)
            .order_by("-id")
            .first()
        )
        if existing is not None:
            return MadeTicket(existing, False)
        return MadeTicket(_open(message, conversation, actor, now), True)


def _open(message: Message, conversation: Conversation, actor: Any, now: datetime) -> Ticket:
    channel = message.channel
    classification = classify_text(message.text, language_hint=message.language)
    identity = message.author_identity
    mention = Mention(
        platform_id=message.platform_id or "",
        author=Author(
            platform_user_id=identity.external_id if identity else "",
            handle=identity.handle if identity else "",
            display_name=identity.display_name if identity else "",
        ),
        text=message.text,
        created_at=message.created_at,
        url=message.url,
    )
    decision = decide(channel=channel, mention=mention, classification=classification)
    ticket = Ticket(
        conversation=conversation,
        channel=channel,
        contact_id=conversation.contact_id,
        queue=queue_by_slug(decision.queue_slug),
        subject=conversation.subject or message.text[:120],
        language=message.language or classification.language,
        sentiment=classification.sentiment,
        assignee_id=decision.assignee_id,
        # The clock starts now: the mention was only followed until an agent took it up.
        created_at=now,
        last_customer_message_at=now,
    )
    if decision.priority is not None:
        ticket.priority = decision.priority
    clocks.apply_initial_targets(ticket, served=True)
    ticket.save(force_insert=True)
    TicketEvent.record(
        ticket,
        "created",
        actor=actor,
        new=ticket.queue.slug,
        # The ticket's conversation is the mention's, on its channel; the note says how it began.
        note=gettext_noop("made from a monitored mention"),
    )
    if decision.tags:
        ticket.tags.add(*(tag_by_name(name) for name in decision.tags))
    # Why it was routed so, for the ticket page and the outbound gate's approval check.
    record_decision(ticket=ticket, classification=classification, decision=decision)
    return ticket

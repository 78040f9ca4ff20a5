"""The one ingestion path: every mention from every source becomes a message here.

`ingest` is idempotent: a (channel, platform id) pair is one message, enforced by a unique
constraint, so a redelivered or re-polled event changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from channels.adapters.base import Author, Mention
from channels.attachments import store_attachments
from channels.models import Channel, InboundEvent
from channels.platforms.windows import record_messaging_window
from desk.classification.classifier import classify_text
from desk.classification.decisions import record_decision
from desk.classification.observers import (
    count_for_crisis_detection,
    index_for_similar_questions,
    tally_engagement,
)
from desk.classification.routing.engine import decide
from desk.classification.types import Classification
from desk.outbound.services import send_rule_holding_reply
from desk.privacy.observers import record_notice_for_new_conversation
from desk.sla import clocks
from tickets.models import (
    Contact,
    Conversation,
    Identity,
    Message,
    Ticket,
    TicketEvent,
)
from tickets.services import queue_by_slug, tag_by_name

# Two concurrent first mentions by one new author collide on the identity's unique key;
# the loser simply runs again and finds the winner's rows.
_MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class IngestResult:
    message: Message | None
    ticket: Ticket | None
    created: bool
    mention: Mention | None = None
    classification: Classification | None = None


def ingest(
    *, channel: Channel, mention: Mention, inbound_event: InboundEvent | None = None
) -> IngestResult:
    for attempt in range(_MAX_ATTEMPTS):
        existing = _existing_message(channel, mention.platform_id)
        if existing is not None:
            return IngestResult(existing, _latest_ticket(existing.conversation_id), False)
        if mention.is_own:
            # Our own reply echoed back before the send recorded its platform id: the
            # outbound message already stands for it.
            return IngestResult(None, None, False)
        try:
            with transaction.atomic():
                return _ingest_new(channel, mention, inbound_event)
        except IntegrityError:
            if attempt == _MAX_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _existing_message(channel: Channel, platform_id: str) -> Message | None:
    return Message.objects.filter(channel=channel, platform_id=platform_id).first()


def _latest_ticket(conversation_id: int) -> Ticket | None:
    return Ticket.objects.filter(conversation_id=conversation_id).order_by("-id").first()


def _ingest_new(
    channel: Channel, mention: Mention, inbound_event: InboundEvent | None
) -> IngestResult:
    identity = _upsert_identity(channel, mention.author)
    parent = _find_parent(channel, mention)
    classification = classify_text(mention.text, language_hint=mention.language)
    conversation, started = _find_or_start_conversation(
        channel, mention, identity, parent, classification.language
    )
    message = Message.objects.create(
        conversation=conversation,
        channel=channel,
        direction=Message.Direction.INBOUND,
        platform_id=mention.platform_id,
        parent=parent,
        author_identity=identity,
        text=mention.text,
        language=classification.language,
        url=mention.url,
        created_at=mention.created_at,
        inbound_event=inbound_event,
    )
    received_at = inbound_event.received_at if inbound_event is not None else timezone.now()
    ticket = (
        _open_or_update_ticket(
            channel, conversation, message, received_at, mention, classification, started=started
        )
        if channel.is_served
        else None
    )
    _after_new_message(
        message=message, ticket=ticket, mention=mention, classification=classification
    )
    return IngestResult(message, ticket, True, mention, classification)


def _after_new_message(
    *, message: Message, ticket: Ticket | None, mention: Mention, classification: Classification
) -> None:
    """The steps every new inbound message takes, in this order, inside its transaction.

    Each is cheap (a row or two, an index upsert); anything slow is enqueued on commit.
    """
    # The notice of channels that give it before the person writes (profile, web form).
    record_notice_for_new_conversation(message=message, mention=mention)
    store_attachments(message=message, mention=mention)
    # Platforms that limit how long a private reply may wait (Messenger's 24 hours).
    record_messaging_window(message=message, mention=mention)
    count_for_crisis_detection(message=message, ticket=ticket, classification=classification)
    index_for_similar_questions(message=message)
    tally_engagement(message=message, classification=classification)


def _upsert_identity(channel: Channel, author: Author) -> Identity:
    kind = author.kind or channel.kind
    email = author.email.strip().lower()
    identity = (
        Identity.objects.filter(kind=kind, external_id=author.platform_user_id)
        .select_related("contact")
        .first()
    )
    if identity is None:
        contact = _contact_for_email(email) or Contact.objects.create(
            display_name=author.display_name or author.handle, primary_email=email
        )
        return Identity.objects.create(
            contact=contact,
            kind=kind,
            external_id=author.platform_user_id,
            handle=author.handle,
            display_name=author.display_name,
            profile_url=author.profile_url,
            email=email,
        )
    changed = {
        field: value
        for field, value in (
            ("handle", author.handle),
            ("display_name", author.display_name),
            ("profile_url", author.profile_url),
            ("email", email),
        )
        if value and getattr(identity, field) != value
    }
    if changed:
        for field, value in changed.items():
            setattr(identity, field, value)
        identity.save(update_fields=[*changed, "last_seen_at"])
    return identity


def _contact_for_email(email: str) -> Contact | None:
    """One person writing from the same address on two channels is one contact."""
    if not email:
        return None
    known = Identity.objects.filter(email=email).select_related("contact").first()
    return known.contact if known else None


def _find_parent(channel: Channel, mention: Mention) -> Message | None:
    candidates = [pid for pid in (mention.parent_platform_id, *mention.thread_platform_ids) if pid]
    if not candidates:
        return None
    found = {
        m.platform_id: m
        for m in Message.objects.filter(channel=channel, platform_id__in=candidates).select_related(
            "conversation"
        )
    }
    return next((found[pid] for pid in candidates if pid in found), None)


def _find_or_start_conversation(
    channel: Channel,
    mention: Mention,
    identity: Identity,
    parent: Message | None,
    language: str,
) -> tuple[Conversation, bool]:
    """The mention's conversation, and whether it starts here."""
    now = timezone.now()
    if parent is not None and (
        parent.direction == Message.Direction.OUTBOUND
        or parent.conversation.contact_id == identity.contact_id
    ):
        conversation = parent.conversation
        Conversation.objects.filter(pk=conversation.pk).update(last_activity_at=now)
        return conversation, False
    # A reply to a post we never saw (or to someone else's thread) starts this person's own
    # conversation, keyed by the thread root so their further replies join it.
    root = parent.conversation.root_platform_id if parent else mention.parent_platform_id
    if root:
        known = Conversation.objects.filter(
            channel=channel, root_platform_id=root, contact_id=identity.contact_id
        ).first()
        if known is not None:
            Conversation.objects.filter(pk=known.pk).update(last_activity_at=now)
            return known, False
    conversation = Conversation.objects.create(
        channel=channel,
        contact_id=identity.contact_id,
        root_platform_id=root or mention.platform_id,
        subject=mention.subject or _preview(mention.text),
        language=language,
        is_private=mention.is_private,
        last_activity_at=now,
    )
    return conversation, True


def _preview(text: str) -> str:
    return " ".join(text.split())[:120]


def _open_or_update_ticket(
    channel: Channel,
    conversation: Conversation,
    message: Message,
    now: datetime,
    mention: Mention,
    classification: Classification,
    *,
    started: bool = False,
) -> Ticket:
    # A conversation started by this very message has no ticket yet: no need to look.
    ticket = None if started else _latest_ticket(conversation.pk)
    if ticket is not None and ticket.is_active:
        ticket.last_customer_message_at = now
        ticket.save(update_fields=["last_customer_message_at", "updated_at"])
        if ticket.status == Ticket.Status.PENDING:
            ticket.set_status(Ticket.Status.OPEN, note="customer replied")
        clocks.record_customer_message(ticket=ticket, at=now)
        return ticket
    reopen_window = timedelta(days=settings.REOPEN_WINDOW_DAYS)
    if (
        ticket is not None
        and ticket.status == Ticket.Status.RESOLVED
        and ticket.resolved_at is not None
        and now - ticket.resolved_at <= reopen_window
    ):
        ticket.last_customer_message_at = now
        ticket.save(update_fields=["last_customer_message_at", "updated_at"])
        ticket.set_status(Ticket.Status.OPEN, note="customer replied after resolution")
        return ticket
    return _create_ticket(channel, conversation, message, now, mention, classification)


def _create_ticket(
    channel: Channel,
    conversation: Conversation,
    message: Message,
    now: datetime,
    mention: Mention,
    classification: Classification,
) -> Ticket:
    decision = decide(channel=channel, mention=mention, classification=classification)
    ticket = Ticket(
        conversation=conversation,
        channel=channel,
        contact_id=conversation.contact_id,
        queue=queue_by_slug(decision.queue_slug),
        subject=conversation.subject or _preview(message.text),
        language=classification.language,
        sentiment=classification.sentiment,
        routing_reason=decision.reason[:300],
        assignee_id=decision.assignee_id,
        created_at=now,
        last_customer_message_at=now,
    )
    if decision.priority is not None:
        ticket.priority = decision.priority
    clocks.apply_initial_targets(ticket)
    ticket.save(force_insert=True)
    TicketEvent.record(ticket, "created", new=ticket.queue.slug, note=decision.reason)
    if decision.tags:
        ticket.tags.add(*(tag_by_name(name) for name in decision.tags))
    if decision.netiquette_violation:
        ticket.set_status(Ticket.Status.IGNORED, note=f"netiquette: {decision.reason}")
    # Why it was routed so (labels, rules), for the ticket page and the outbound gate.
    record_decision(ticket=ticket, classification=classification, decision=decision)
    if decision.holding_reply and not decision.netiquette_violation:
        ticket_id, text = ticket.pk, decision.holding_reply
        # Through the outbound gate, once the ticket is committed.
        transaction.on_commit(lambda: send_rule_holding_reply(ticket_id=ticket_id, text=text))
    return ticket

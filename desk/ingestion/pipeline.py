"""The one ingestion path: every mention from every source becomes a message here.

`ingest` is idempotent: a (channel, platform id) pair is one message, enforced by a unique
constraint, so a redelivered or re-polled event changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_noop

from channels.adapters.base import Mention
from channels.attachments import store_attachments
from channels.models import Channel, InboundEvent
from channels.platforms.windows import record_messaging_window
from desk.classification.classifier import classify_text
from desk.classification.decisions import decision_rows
from desk.classification.routing.engine import decide, routed_queue
from desk.classification.types import Classification
from desk.ingestion.counting import count_after_commit
from desk.ingestion.identities import upsert_identity
from desk.ingestion.inserts import insert_all
from desk.outbound.services import send_rule_holding_reply
from desk.privacy.observers import record_notice_for_new_conversation
from desk.sla import clocks
from tickets.models import Conversation, Identity, Message, Ticket, TicketEvent
from tickets.services import tag_by_name

# Two concurrent first mentions by one new author collide on the identity's unique key;
# the loser simply runs again and finds the winner's rows.
_MAX_ATTEMPTS = 3

# Rows the caller wants inserted with the message and ticket (the REST API's inquiry).
ExtraRows = Callable[[Message, "Ticket | None"], Sequence[Model]]


@dataclass(frozen=True)
class IngestResult:
    message: Message | None
    ticket: Ticket | None
    created: bool
    mention: Mention | None = None
    classification: Classification | None = None


def ingest(
    *,
    channel: Channel,
    mention: Mention,
    inbound_event: InboundEvent | None = None,
    fresh: bool = False,
    extra_rows: ExtraRows | None = None,
    classification: Classification | None = None,
) -> IngestResult:
    """Turn one mention into a message (and a ticket).

    `fresh`: the caller minted the mention's platform id and its event this moment (the REST
    API), so no message can have it yet: no lookup, and no savepoint to retry in, since only
    the new author's identity could collide and its upsert waits for the other writer instead.
    An event without a primary key is inserted together with the message; so are the rows
    `extra_rows` returns. `classification`: the mention's, when the caller classified many at
    once.
    """
    if fresh:
        return _ingest_new(channel, mention, inbound_event, extra_rows, classification)
    for attempt in range(_MAX_ATTEMPTS):
        existing = _existing_message(channel, mention.platform_id)
        if existing is not None:
            return IngestResult(existing, Ticket.objects.latest_of(existing.conversation_id), False)
        if mention.is_own:
            # Our own reply echoed back before the send recorded its platform id: the
            # outbound message already stands for it.
            return IngestResult(None, None, False)
        try:
            with transaction.atomic():
                return _ingest_new(channel, mention, inbound_event, extra_rows, classification)
        except IntegrityError:
            if attempt == _MAX_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _existing_message(channel: Channel, platform_id: str) -> Message | None:
    return Message.objects.filter(channel=channel, platform_id=platform_id).first()


def _ingest_new(
    channel: Channel,
    mention: Mention,
    inbound_event: InboundEvent | None,
    extra_rows: ExtraRows | None,
    classification: Classification | None,
) -> IngestResult:
    identity = upsert_identity(channel, mention.author)
    parent = _find_parent(channel, mention)
    if classification is None:
        classification = classify_text(mention.text, language_hint=mention.language)
    conversation, started = _find_or_start_conversation(
        channel, mention, identity, parent, classification.language, _received_at(inbound_event)
    )
    message, ticket, new = _new_rows(
        channel, mention, inbound_event, identity, parent, conversation, started, classification
    )
    if extra_rows is not None:
        new.rows.extend(extra_rows(message, ticket))
    insert_all(new.rows)
    for step in new.then:
        step()
    _after_new_message(
        message=message, ticket=ticket, mention=mention, classification=classification
    )
    return IngestResult(message, ticket, True, mention, classification)


@dataclass
class NewRows:
    """The rows of a new mention, in the order they are inserted, and what follows them."""

    rows: list[Model] = field(default_factory=list)
    then: list[Callable[[], None]] = field(default_factory=list)  # needs the rows inserted


@dataclass(frozen=True)
class NewMention:
    message: Message
    ticket: Ticket | None
    new: NewRows


def rows_of_new_conversation(
    *,
    channel: Channel,
    mention: Mention,
    inbound_event: InboundEvent,
    identity: Identity,
    classification: Classification,
) -> NewMention:
    """The rows `ingest` would insert for a mention that has no parent message and starts a
    conversation: the caller has made sure that none is known for its thread root (see
    desk.ingestion.batch), and inserts them; then it runs `new.then` and `record_new_message`."""
    root = mention.parent_platform_id or mention.platform_id
    conversation = _new_conversation(
        channel, mention, identity, root, classification.language, _received_at(inbound_event)
    )
    return NewMention(
        *_new_rows(
            channel, mention, inbound_event, identity, None, conversation, True, classification
        )
    )


def _new_rows(
    channel: Channel,
    mention: Mention,
    inbound_event: InboundEvent | None,
    identity: Identity,
    parent: Message | None,
    conversation: Conversation,
    started: bool,
    classification: Classification,
) -> tuple[Message, Ticket | None, NewRows]:
    message = Message(
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
    # Every new row of this mention in one INSERT statement: the event when the caller did not
    # store it, a new conversation, the message, a new ticket with its audit, the caller's rows.
    new = NewRows()
    if inbound_event is not None and inbound_event.pk is None:
        new.rows.append(inbound_event)
    if started:
        new.rows.append(conversation)
    new.rows.append(message)
    received_at = _received_at(inbound_event)
    ticket = (
        _open_or_update_ticket(
            channel, conversation, message, received_at, mention, classification, new, started
        )
        if channel.is_served
        else None
    )
    return message, ticket, new


def _after_new_message(
    *, message: Message, ticket: Ticket | None, mention: Mention, classification: Classification
) -> None:
    """The steps every new inbound message takes, in this order.

    The records the law and the platforms ask for are written in the message's transaction.
    The counters and the search index follow the commit: the crisis counter is one row per
    channel and bucket that every mention updates, and held until COMMIT it made concurrent
    mentions wait for each other. A crash in between costs the counts and index entries of
    what committed (one message, or a batch's), never a message.
    """
    record_new_message(message=message, mention=mention)
    count_after_commit([(message, ticket, classification)])


def record_new_message(*, message: Message, mention: Mention) -> None:
    """The records the law and the platforms ask for, in the new message's transaction."""
    # The notice of channels that give it before the person writes (profile, web form).
    record_notice_for_new_conversation(message=message, mention=mention)
    store_attachments(message=message, mention=mention)
    # Platforms that limit how long a private reply may wait (Messenger's 24 hours).
    record_messaging_window(message=message, mention=mention)


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
    received_at: datetime,
) -> tuple[Conversation, bool]:
    """The mention's conversation, and whether it starts here."""
    if parent is not None and (
        parent.direction == Message.Direction.OUTBOUND
        or parent.conversation.contact_id == identity.contact_id
    ):
        conversation = parent.conversation
        Conversation.active_at(conversation.pk, received_at)
        return _on(channel, conversation), False
    # A reply to a post we never saw (or to someone else's thread) starts this person's own
    # conversation, keyed by the thread root so their further replies join it.
    root = parent.conversation.root_platform_id if parent else mention.parent_platform_id
    if root:
        known = Conversation.objects.filter(
            channel=channel, root_platform_id=root, contact_id=identity.contact_id
        ).first()
        if known is not None:
            Conversation.active_at(known.pk, received_at)
            return _on(channel, known), False
    # Inserted with its first message.
    return _new_conversation(
        channel, mention, identity, root or mention.platform_id, language, received_at
    ), True


def _received_at(inbound_event: InboundEvent | None) -> datetime:
    """The moment the desk received the mention: its ticket's clock and its conversation's
    last activity start there, however long the event waited for a worker."""
    return inbound_event.received_at if inbound_event is not None else timezone.now()


def _on(channel: Channel, conversation: Conversation) -> Conversation:
    """The conversation with the channel at hand, which the steps after the message read."""
    if conversation.channel_id == channel.pk:
        conversation.channel = channel
    return conversation


def _new_conversation(
    channel: Channel,
    mention: Mention,
    identity: Identity,
    root: str,
    language: str,
    received_at: datetime,
) -> Conversation:
    return Conversation(
        channel=channel,
        contact_id=identity.contact_id,
        root_platform_id=root,
        subject=mention.subject or _preview(mention.text),
        language=language,
        is_private=mention.is_private,
        last_activity_at=received_at,
    )


def _preview(text: str) -> str:
    return " ".join(text.split())[:120]


def _open_or_update_ticket(
    channel: Channel,
    conversation: Conversation,
    message: Message,
    now: datetime,
    mention: Mention,
    classification: Classification,
    new: NewRows,
    started: bool,
) -> Ticket:
    # A conversation started by this very message has no ticket yet: no need to look.
    ticket = None if started else Ticket.objects.latest_of(conversation.pk)
    if ticket is not None and ticket.is_active:
        ticket.last_customer_message_at = now
        ticket.save(update_fields=["last_customer_message_at", "updated_at"])
        if ticket.status == Ticket.Status.PENDING:
            ticket.set_status(Ticket.Status.OPEN, note=gettext_noop("customer replied"))
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
        ticket.set_status(
            Ticket.Status.OPEN, note=gettext_noop("customer replied after resolution")
        )
        return ticket
    return _create_ticket(channel, conversation, message, now, mention, classification, new)


def _create_ticket(
    channel: Channel,
    conversation: Conversation,
    message: Message,
    now: datetime,
    mention: Mention,
    classification: Classification,
    new: NewRows,
) -> Ticket:
    decision = decide(channel=channel, mention=mention, classification=classification)
    ticket = Ticket(
        conversation=conversation,
        channel=channel,
        contact_id=conversation.contact_id,
        queue=routed_queue(decision.queue_slug),
        subject=conversation.subject or _preview(message.text),
        language=classification.language,
        sentiment=classification.sentiment,
        assignee_id=decision.assignee_id,
        created_at=now,
        last_customer_message_at=now,
    )
    if decision.priority is not None:
        ticket.priority = decision.priority
    clocks.apply_initial_targets(ticket)
    # Why it was routed so (labels, rules), for the ticket page and the outbound gate.
    recorded, events = decision_rows(
        ticket=ticket, classification=classification, decision=decision
    )
    # Why it went there is the decision's to say (TicketDecision), in the reader's language.
    created = TicketEvent(ticket=ticket, kind="created", new_value=ticket.queue.slug[:300])
    new.rows += [ticket, created, recorded, *events]
    if decision.tags:
        tags = [tag_by_name(name) for name in decision.tags]
        new.then.append(lambda: ticket.tags.add(*tags))
    if decision.netiquette_violation:
        note = gettext_noop("netiquette: marked by a rule")
        new.then.append(lambda: ticket.set_status(Ticket.Status.IGNORED, note=note))
    if decision.holding_reply and not decision.netiquette_violation:
        text = decision.holding_reply
        # Through the outbound gate, once the ticket is committed.
        new.then.append(
            lambda: transaction.on_commit(
                lambda: send_rule_holding_reply(ticket_id=ticket.pk, text=text)
            )
        )
    return ticket

"""Removing personal data, as a list of steps over one scope, shared by retention and erasure.

Each step replaces the personal data one model holds (names, handles, e-mail addresses,
profile links, texts, raw bodies) with bulk updates and keeps what the SLA figures and counts
need (rows, timestamps, statuses). The steps here cover the spine's models; every other app
that keeps personal data owns a step for it (attachments, the similar-questions index, edits,
drafts, ...), registered with `register_step` from its app's ready(): a function taking a
RedactionScope and returning the rows it changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from channels.models import InboundEvent
from desk.models import Inquiry, Notification
from desk.privacy.models import ConversationRedaction
from tickets.models import Contact, Conversation, Identity, Message, Note, Ticket, TicketEvent

REDACTED = "[removed]"
# Raw events never ingested (failed, unsupported) are searched for the person's e-mail
# addresses in chunks of this many rows.
RAW_SCAN_CHUNK = 500


@dataclass(frozen=True)
class RedactionScope:
    # Whole conversations whose texts go: the person's own, or expired ones.
    conversation_ids: tuple[int, ...]
    # People whose contact record and every identity go, with their messages anywhere.
    contact_ids: tuple[int, ...] = ()
    # Byte strings (e-mail addresses) that mark a raw event as theirs when no message links it.
    raw_terms: tuple[bytes, ...] = ()

    def identity_ids(self) -> list[int]:
        # Asked by most steps; the identities' ids never change while they run.
        return self._identity_ids

    @cached_property
    def _identity_ids(self) -> list[int]:
        return list(
            Identity.objects.filter(contact_id__in=self.contact_ids).values_list("pk", flat=True)
        )

    def message_sets(self) -> list[Q]:
        """The scope's messages, as conditions on Message that each use an index: an OR of the
        two would make PostgreSQL scan every message, once per batch. A message may be in both,
        so a step that counts rows may count it twice."""
        sets = [Q(conversation_id__in=self.conversation_ids)]
        if self.contact_ids:
            sets.append(Q(author_identity_id__in=self.identity_ids()))
        return sets

    def messages(self) -> list[QuerySet[Message]]:
        return [Message.objects.filter(condition) for condition in self.message_sets()]


Step = Callable[[RedactionScope], int]


def redact_inbound_events(scope: RedactionScope) -> int:
    changed = 0
    for messages in scope.message_sets():
        linked = Message.objects.filter(messages, inbound_event__isnull=False).values(
            "inbound_event_id"
        )
        changed += InboundEvent.objects.filter(pk__in=linked).update(
            body=b"", headers={}, last_error=""
        )
    if scope.raw_terms:
        unlinked = (
            InboundEvent.objects.exclude(state=InboundEvent.State.DONE)
            .only("pk", "body")
            .order_by("pk")
        )
        matching = [
            event.pk
            for event in unlinked.iterator(chunk_size=RAW_SCAN_CHUNK)
            if any(term in bytes(event.body).lower() for term in scope.raw_terms)
        ]
        changed += InboundEvent.objects.filter(pk__in=matching).update(
            body=b"", headers={}, last_error=""
        )
    return changed


def redact_messages(scope: RedactionScope) -> int:
    return sum(
        Message.objects.filter(messages).update(text=REDACTED, url="", delivery_error="")
        for messages in scope.message_sets()
    )


def redact_inquiries(scope: RedactionScope) -> int:
    return sum(
        Inquiry.objects.filter(message__in=Message.objects.filter(messages).values("pk")).update(
            metadata={}
        )
        for messages in scope.message_sets()
    )


def redact_conversations(scope: RedactionScope) -> int:
    return Conversation.objects.filter(pk__in=scope.conversation_ids).update(subject=REDACTED)


def redact_tickets(scope: RedactionScope) -> int:
    # A bulk update leaves updated_at alone: the ticket's timings stay exactly as they were.
    return Ticket.objects.filter(conversation_id__in=scope.conversation_ids).update(
        subject=REDACTED
    )


def redact_ticket_events(scope: RedactionScope) -> int:
    """The ticket's audit trail keeps what happened, by whom and when; its free-text notes go
    (routing reasons quoting the message, staff's reasons for a flag or a rejected draft).
    A bulk update is the one change the append-only trail allows: erasure outranks it."""
    return (
        TicketEvent.objects.filter(ticket__conversation_id__in=scope.conversation_ids)
        .exclude(note="")
        .update(note=REDACTED)
    )


def redact_notes(scope: RedactionScope) -> int:
    return Note.objects.filter(ticket__conversation_id__in=scope.conversation_ids).update(
        text=REDACTED
    )


def redact_notifications(scope: RedactionScope) -> int:
    ticket_ids = Ticket.objects.filter(conversation_id__in=scope.conversation_ids).values_list(
        "pk", flat=True
    )
    urls = [reverse("ticket-detail", kwargs={"pk": pk}) for pk in ticket_ids]
    return Notification.objects.filter(url__in=urls).update(title=REDACTED, body="")


def redact_identities(scope: RedactionScope) -> int:
    # The platform account id goes too; a new message from the account starts a new person.
    return Identity.objects.filter(contact_id__in=scope.contact_ids).update(
        external_id=Concat(Value("anonymized:"), Cast("pk", CharField())),
        handle="",
        display_name=REDACTED,
        profile_url="",
        email="",
    )


def redact_contacts(scope: RedactionScope) -> int:
    return Contact.objects.filter(pk__in=scope.contact_ids).update(
        display_name=REDACTED, primary_email=""
    )


# Order matters: raw events and inquiries are found through the messages, and the messages
# through the identities, before those are changed.
STEPS: tuple[tuple[str, Step], ...] = (
    ("inbound_events", redact_inbound_events),
    ("inquiries", redact_inquiries),
    ("messages", redact_messages),
    ("notes", redact_notes),
    ("notifications", redact_notifications),
    ("tickets", redact_tickets),
    ("ticket_events", redact_ticket_events),
    ("conversations", redact_conversations),
    ("identities", redact_identities),
    ("contacts", redact_contacts),
)


_extra_steps: dict[str, Step] = {}

# What each step's count is of, as pages name it (a request's and a run's counts are keyed by
# step; the audit log's entries count with the same keys); an extra step not named here shows
# its key. Counts are shown in this order.
RECORD_LABELS: dict[str, Any] = {
    "inbound_events": gettext_lazy("Raw deliveries"),
    "inquiries": gettext_lazy("REST inquiries"),
    "messages": gettext_lazy("Messages"),
    "notes": gettext_lazy("Internal notes"),
    "notifications": gettext_lazy("Notifications"),
    "tickets": gettext_lazy("Tickets"),
    "ticket_events": gettext_lazy("Audit trail entries"),
    "conversations": gettext_lazy("Conversations"),
    "identities": gettext_lazy("Accounts"),
    "contacts": gettext_lazy("Contacts"),
    "attachments": gettext_lazy("Attachments"),
    "delivery_attempts": gettext_lazy("Delivery attempts"),
    "message_revisions": gettext_lazy("Edits and deletions"),
    "platform_actions": gettext_lazy("Platform actions"),
    "holds": gettext_lazy("Legal holds"),
    "held": gettext_lazy("Kept by a legal hold"),
    "batches": gettext_lazy("Batches"),
    # Not a record kind: a published notice's period, counted in the audit log like the rest.
    "retention_days": gettext_lazy("Retention (days)"),
}


def register_step(step: Step) -> None:
    """Add another app's step, named for what it removes ("redact_attachments": attachments)."""
    _extra_steps[step.__name__.removeprefix("redact_")] = step


def extra_steps() -> tuple[tuple[str, Step], ...]:
    return tuple(_extra_steps.items())


def redact(*, scope: RedactionScope, reason: str) -> dict[str, int]:
    """Run every step over the scope (inside the caller's transaction); rows changed per step."""
    counts = {name: step(scope) for name, step in (*STEPS, *extra_steps())}
    now = timezone.now()
    ConversationRedaction.objects.bulk_create(
        [
            ConversationRedaction(conversation_id=pk, reason=reason, redacted_at=now)
            for pk in scope.conversation_ids
        ],
        ignore_conflicts=True,
    )
    return counts

"""Merging two contact records into one person, and splitting them back; both audited.

A merge moves the absorbed record's accounts (identities), conversations, tickets, legal holds
and badges to the surviving record and writes down every moved row, so the split moves exactly
those back, plus what arrived since through the absorbed record's accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.classification.models import ContactBadge, EngagementTally
from desk.privacy.models import LegalHold
from desk.privacy.services import audit
from desk.triage.models import ContactMerge
from tickets.models import Contact, Conversation, Identity, Message, Ticket, TicketEvent

TALLY_FIELDS = ("positive", "neutral", "negative", "netiquette")


class MergeRefused(Exception):
    """The merge or split cannot be done; the message says why, for the person who asked."""


@dataclass(frozen=True)
class MergePreview:
    """What a merge would move from `absorbed` to `survivor`."""

    survivor: Contact
    absorbed: Contact
    identities: list[Identity]
    conversations: int
    tickets: list[Ticket]
    holds: int
    badges: list[ContactBadge]
    # Badges the survivor already holds in the same kind: they stay with the absorbed record.
    badges_kept: list[ContactBadge]


def _check_pair(survivor: Contact, absorbed: Contact) -> None:
    if survivor.pk == absorbed.pk:
        raise MergeRefused(_("A contact cannot be merged with itself."))
    if ContactMerge.objects.filter(absorbed=survivor, split_at__isnull=True).exists():
        raise MergeRefused(_("That contact was merged into another one; open that one."))
    if ContactMerge.objects.filter(absorbed=absorbed, split_at__isnull=True).exists():
        raise MergeRefused(_("That contact was already merged into another one."))


def merge_preview(*, survivor: Contact, absorbed: Contact) -> MergePreview:
    _check_pair(survivor, absorbed)
    taken = set(survivor.badges.values_list("kind", flat=True))
    badges = list(absorbed.badges.all())
    return MergePreview(
        survivor=survivor,
        absorbed=absorbed,
        identities=list(absorbed.identities.order_by("kind", "handle")),
        conversations=Conversation.objects.filter(contact=absorbed).count(),
        tickets=list(Ticket.objects.filter(contact=absorbed).order_by("-created_at")),
        holds=LegalHold.objects.filter(contact=absorbed).count(),
        badges=[b for b in badges if b.kind not in taken],
        badges_kept=[b for b in badges if b.kind in taken],
    )


def _move_tally(*, source: Contact, target: Contact, sign: int) -> dict[str, int]:
    tally = EngagementTally.objects.filter(contact=source).first()
    if tally is None:
        return {}
    counts = {name: getattr(tally, name) for name in TALLY_FIELDS}
    EngagementTally.objects.get_or_create(contact=target)
    EngagementTally.objects.filter(contact=target).update(
        **{name: F(name) + sign * n for name, n in counts.items()}
    )
    return counts


def _record_on_tickets(tickets: list[int], *, actor: Any, old: Contact, new: Contact) -> None:
    for ticket in Ticket.objects.filter(pk__in=tickets):
        TicketEvent.record(ticket, "contact", actor=actor, old=old.pk, new=new.pk)


# What a merge moves, as the audit log counts it (by the kinds of RECORD_LABELS).
MOVED_KINDS = ("identities", "conversations", "tickets", "holds")


@transaction.atomic
def merge_contacts(*, survivor: Contact, absorbed: Contact, actor: Any) -> ContactMerge:
    """Make `absorbed`'s accounts, conversations and tickets `survivor`'s; recorded for a split."""
    # Locked in id order: two people merging the same pair both ways cannot deadlock.
    locked = {
        c.pk: c
        for c in Contact.objects.select_for_update()
        .filter(pk__in=[survivor.pk, absorbed.pk])
        .order_by("pk")
    }
    survivor, absorbed = locked[survivor.pk], locked[absorbed.pk]
    preview = merge_preview(survivor=survivor, absorbed=absorbed)
    moved: dict[str, Any] = {
        "identities": [i.pk for i in preview.identities],
        "conversations": list(
            Conversation.objects.filter(contact=absorbed).values_list("pk", flat=True)
        ),
        "tickets": [t.pk for t in preview.tickets],
        "holds": list(LegalHold.objects.filter(contact=absorbed).values_list("pk", flat=True)),
        "badges": [b.pk for b in preview.badges],
    }
    Identity.objects.filter(pk__in=moved["identities"]).update(contact=survivor)
    Conversation.objects.filter(pk__in=moved["conversations"]).update(contact=survivor)
    Ticket.objects.filter(pk__in=moved["tickets"]).update(contact=survivor)
    LegalHold.objects.filter(pk__in=moved["holds"]).update(contact=survivor)
    ContactBadge.objects.filter(pk__in=moved["badges"]).update(contact=survivor)
    moved["tally"] = _move_tally(source=absorbed, target=survivor, sign=1)
    if not survivor.primary_email and absorbed.primary_email:
        survivor.primary_email = absorbed.primary_email
        survivor.save(update_fields=["primary_email"])
        moved["primary_email"] = absorbed.primary_email
    merge = ContactMerge.objects.create(
        survivor=survivor, absorbed=absorbed, moved=moved, merged_by=actor
    )
    _record_on_tickets(moved["tickets"], actor=actor, old=absorbed, new=survivor)
    audit.record(
        actor=actor,
        action=audit.Action.CONTACT_MERGED,
        target=survivor,
        summary=f"contact:{absorbed.pk} → contact:{survivor.pk}",
        counts={kind: len(moved[kind]) for kind in MOVED_KINDS},
    )
    return merge


def _arrived_since(merge: ContactMerge, identities: list[int]) -> list[int]:
    """Conversations begun after the merge whose person wrote only from the moved accounts."""
    candidates = Conversation.objects.filter(contact=merge.survivor).exclude(
        pk__in=merge.moved.get("conversations", [])
    )
    inbound = Message.objects.filter(
        conversation__in=candidates, direction=Message.Direction.INBOUND
    )
    from_moved = set(
        inbound.filter(author_identity__in=identities).values_list("conversation_id", flat=True)
    )
    from_others = set(
        inbound.filter(~Q(author_identity__in=identities)).values_list("conversation_id", flat=True)
    )
    return sorted(from_moved - from_others)


@transaction.atomic
def split_contacts(*, merge: ContactMerge, actor: Any) -> ContactMerge:
    """Undo a merge: the absorbed record gets its accounts back, with what came through them."""
    merge = (
        ContactMerge.objects.select_for_update()
        .select_related("survivor", "absorbed")
        .get(pk=merge.pk)
    )
    if merge.split_at is not None:
        raise MergeRefused(_("These contacts were already split."))
    survivor, absorbed, moved = merge.survivor, merge.absorbed, merge.moved
    identities = list(
        Identity.objects.filter(pk__in=moved.get("identities", []), contact=survivor).values_list(
            "pk", flat=True
        )
    )
    conversations = list(
        Conversation.objects.filter(
            pk__in=moved.get("conversations", []), contact=survivor
        ).values_list("pk", flat=True)
    ) + _arrived_since(merge, identities)
    tickets = list(
        Ticket.objects.filter(
            Q(pk__in=moved.get("tickets", [])) | Q(conversation__in=conversations),
            contact=survivor,
        ).values_list("pk", flat=True)
    )
    Identity.objects.filter(pk__in=identities).update(contact=absorbed)
    Conversation.objects.filter(pk__in=conversations).update(contact=absorbed)
    Ticket.objects.filter(pk__in=tickets).update(contact=absorbed)
    LegalHold.objects.filter(pk__in=moved.get("holds", []), contact=survivor).update(
        contact=absorbed
    )
    ContactBadge.objects.filter(pk__in=moved.get("badges", []), contact=survivor).update(
        contact=absorbed
    )
    if moved.get("tally"):
        _move_tally(source=absorbed, target=survivor, sign=-1)
    if moved.get("primary_email") and survivor.primary_email == moved["primary_email"]:
        survivor.primary_email = ""
        survivor.save(update_fields=["primary_email"])
    merge.split_at = timezone.now()
    merge.split_by = actor
    merge.save(update_fields=["split_at", "split_by"])
    _record_on_tickets(tickets, actor=actor, old=survivor, new=absorbed)
    audit.record(
        actor=actor,
        action=audit.Action.CONTACT_SPLIT,
        target=absorbed,
        summary=f"contact:{survivor.pk} → contact:{absorbed.pk}",
        counts={
            "identities": len(identities),
            "conversations": len(conversations),
            "tickets": len(tickets),
        },
    )
    return merge

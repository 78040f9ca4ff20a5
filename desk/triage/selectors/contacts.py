"""Reading contacts: the profile of one person, and records that are likely the same person."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower, TruncMonth
from django.utils.translation import gettext as _

from desk.privacy.models import ConversationNotice, LegalHold
from desk.triage.models import ContactMerge
from tickets.models import Contact, Conversation, Identity, Note, Ticket, latest_ticket_id

SENTIMENTS = ("positive", "neutral", "negative")
# Duplicate candidates looked at per rule; enough for a page of suggestions.
SCAN_LIMIT = 200


def visible_contacts(queue_ids: list[int]) -> QuerySet[Contact]:
    """Contacts with at least one ticket in these queues: the people a user may look up."""
    return Contact.objects.filter(
        pk__in=Ticket.objects.filter(queue_id__in=queue_ids).values("contact_id")
    )


def search_contacts(queue_ids: list[int], query: str) -> QuerySet[Contact]:
    contacts = visible_contacts(queue_ids)
    if query:
        contacts = contacts.filter(
            Q(display_name__icontains=query)
            | Q(primary_email__iexact=query)
            | Q(identities__handle__icontains=query)
            | Q(identities__display_name__icontains=query)
            | Q(identities__email__iexact=query)
        ).distinct()
    return contacts.annotate(ticket_count=Count("tickets", distinct=True)).order_by(
        "display_name", "pk"
    )


@dataclass
class SentimentMonth:
    month: Any
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def bars(self) -> list[tuple[str, int, int]]:
        """(sentiment, x, width) in percent of the month's tickets, for a stacked bar."""
        bars, x = [], 0
        for sentiment in SENTIMENTS:
            width = round(100 * self.counts.get(sentiment, 0) / self.total) if self.total else 0
            bars.append((sentiment, x, width))
            x += width
        return bars


@dataclass
class Profile:
    contact: Contact
    identities: list[Identity]
    conversations: list[Conversation]
    notices: dict[int, ConversationNotice]
    tickets: list[Ticket]
    sentiment: list[SentimentMonth]
    notes: list[Note]
    merges: list[ContactMerge]
    duplicates: list[Duplicate] = field(default_factory=list)
    # Active legal holds on the person or one of their conversations: whoever reads the page
    # must not promise that these data will be deleted.
    holds: list[LegalHold] = field(default_factory=list)

    @property
    def first_seen(self) -> datetime:
        """When the person first wrote, by their earliest post we keep; the record's creation
        when we keep none."""
        seen = [i.first_seen_at for i in self.identities if i.first_seen_at is not None]
        return min(seen, default=self.contact.created_at)


def profile(contact: Contact, *, queue_ids: list[int]) -> Profile:
    tickets = Ticket.objects.filter(contact=contact, queue_id__in=queue_ids)
    conversations = list(
        Conversation.objects.filter(contact=contact, tickets__in=tickets)
        .select_related("channel")
        .distinct()
        .order_by("-last_activity_at")
    )
    by_month: dict[Any, dict[str, int]] = defaultdict(dict)
    for row in (
        tickets.exclude(sentiment="")
        .annotate(month=TruncMonth("created_at"))
        .values("month", "sentiment")
        .annotate(n=Count("id"))
        .order_by("month")
    ):
        by_month[row["month"]][row["sentiment"]] = row["n"]
    return Profile(
        contact=contact,
        identities=list(contact.identities.with_seen().order_by("kind", "handle")),
        conversations=conversations,
        notices={
            n.conversation_id: n
            for n in ConversationNotice.objects.filter(
                conversation__in=[c.pk for c in conversations]
            ).select_related("notice", "channel")
        },
        tickets=list(
            tickets.select_related("queue", "channel", "assignee").order_by("-created_at")
        ),
        sentiment=[SentimentMonth(month, counts) for month, counts in sorted(by_month.items())],
        notes=list(
            Note.objects.filter(ticket__in=tickets)
            .select_related("author", "ticket")
            .order_by("-created_at")
        ),
        merges=list(
            ContactMerge.objects.filter(Q(survivor=contact) | Q(absorbed=contact))
            .select_related("survivor", "absorbed", "merged_by", "split_by")
            .order_by("-merged_at")
        ),
        duplicates=duplicates_of(contact, queue_ids=queue_ids),
        holds=list(
            LegalHold.objects.active()
            .filter(Q(contact=contact) | Q(conversation__contact=contact))
            .select_related("conversation", "created_by")
            .annotate(ticket_id=latest_ticket_id())
            .order_by("created_at")
        ),
    )


@dataclass(frozen=True)
class Duplicate:
    contact: Contact
    reason: str


def _url_name(url: str) -> str:
    """The account name in a profile address: x.com/ann_ex, instagram.com/ann_ex/ -> ann_ex."""
    path = urlsplit(url).path if url else ""
    parts = [p for p in path.split("/") if p]
    return parts[-1].lstrip("@").lower() if parts else ""


def _name_key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def _split_pairs() -> set[frozenset[int]]:
    """Pairs someone split apart: a decision that they are two people, not suggested again."""
    return {
        frozenset((survivor, absorbed))
        for survivor, absorbed in ContactMerge.objects.filter(split_at__isnull=False).values_list(
            "survivor_id", "absorbed_id"
        )
    }


def _absorbed_ids() -> set[int]:
    return set(
        ContactMerge.objects.filter(split_at__isnull=True).values_list("absorbed_id", flat=True)
    )


def duplicates_of(contact: Contact, *, queue_ids: list[int]) -> list[Duplicate]:
    """Other records likely the same person: same e-mail address, or the same name with the
    same account name in their profile addresses on different channels."""
    mine = list(contact.identities.all())
    emails = {e.lower() for e in [contact.primary_email, *(i.email for i in mine)] if e}
    names = {_name_key(n) for n in [contact.display_name, *(i.display_name for i in mine)] if n}
    url_names = {(i.kind, _url_name(i.profile_url)) for i in mine if _url_name(i.profile_url)}
    others = visible_contacts(queue_ids).exclude(pk=contact.pk).exclude(pk__in=_absorbed_ids())
    refused = _split_pairs()
    found: dict[int, Duplicate] = {}
    if emails:
        same_email = Q()
        for email in emails:
            same_email |= Q(primary_email__iexact=email) | Q(identities__email__iexact=email)
        for other in others.filter(same_email).distinct()[:SCAN_LIMIT]:
            found[other.pk] = Duplicate(other, _("same e-mail address"))
    if names and url_names:
        candidates = (
            Identity.objects.filter(contact__in=others)
            .annotate(name=Lower("display_name"))
            .filter(name__in=names)
            .exclude(profile_url="")
            .select_related("contact")[:SCAN_LIMIT]
        )
        for identity in candidates:
            name = _url_name(identity.profile_url)
            across = any(kind != identity.kind and n == name for kind, n in url_names)
            if across and identity.contact_id not in found:
                found[identity.contact_id] = Duplicate(
                    identity.contact, _("same name and account name on another channel")
                )
    return [d for pk, d in found.items() if frozenset((pk, contact.pk)) not in refused]


def suggested_duplicates(
    queue_ids: list[int], *, limit: int = 20
) -> list[tuple[Contact, Duplicate]]:
    """Pairs across all visible contacts, for the contact list."""
    visible = visible_contacts(queue_ids).exclude(pk__in=_absorbed_ids())
    shared_email = (
        Identity.objects.filter(contact__in=visible)
        .exclude(email="")
        .annotate(address=Lower("email"))
        .values("address")
        .annotate(people=Count("contact", distinct=True))
        .filter(people__gt=1)
        .values_list("address", flat=True)[:limit]
    )
    shared_name = (
        Identity.objects.filter(contact__in=visible)
        .exclude(display_name="")
        .exclude(profile_url="")
        .annotate(name=Lower("display_name"))
        .values("name")
        .annotate(people=Count("contact", distinct=True))
        .filter(people__gt=1)
        .values_list("name", flat=True)[:limit]
    )
    seeds = (
        visible.annotate(
            email_key=Lower("identities__email"), name_key=Lower("identities__display_name")
        )
        .filter(Q(email_key__in=list(shared_email)) | Q(name_key__in=list(shared_name)))
        .distinct()
        .order_by("pk")[: limit * 2]
    )
    pairs: list[tuple[Contact, Duplicate]] = []
    seen: set[frozenset[int]] = set()
    for contact in seeds:
        for duplicate in duplicates_of(contact, queue_ids=queue_ids):
            key = frozenset((contact.pk, duplicate.contact.pk))
            if key not in seen:
                seen.add(key)
                pairs.append((contact, duplicate))
        if len(pairs) >= limit:
            break
    return pairs[:limit]

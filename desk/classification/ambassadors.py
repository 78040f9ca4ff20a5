"""Brand ambassadors: contacts who keep engaging positively are suggested; managers decide."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from desk.classification.models import ContactBadge, EngagementTally
from tickets.text import with_values


class BadgeError(ValueError):
    """A badge decision that cannot be made."""


@dataclass(frozen=True)
class Engagement:
    """One message of a contact, as the tally counts it."""

    contact_id: int
    sentiment: str
    netiquette: bool
    at: datetime

    @property
    def counted_as(self) -> str:
        return self.sentiment if self.sentiment in _SENTIMENTS else "neutral"


_SENTIMENTS = ("positive", "neutral", "negative")

# Rows in contact order: two workers tallying the same contacts lock them in the same order.
_TALLY_MANY_SQL = """
    INSERT INTO classification_engagementtally AS t
        (contact_id, positive, neutral, negative, netiquette, last_positive_at)
    SELECT * FROM unnest(%s::bigint[], %s::int[], %s::int[], %s::int[], %s::int[],
                         %s::timestamptz[])
    ON CONFLICT (contact_id) DO UPDATE SET
        positive = t.positive + excluded.positive,
        neutral = t.neutral + excluded.neutral,
        negative = t.negative + excluded.negative,
        netiquette = t.netiquette + excluded.netiquette,
        last_positive_at = COALESCE(excluded.last_positive_at, t.last_positive_at)
"""


def tally_many(engagements: Sequence[Engagement]) -> None:
    """Count messages of contacts, in their order: one upsert for all on PostgreSQL."""
    if not engagements:
        return
    if connection.vendor != "postgresql":
        for engagement in engagements:
            _tally_portably(engagement)
        return
    with connection.cursor() as cursor:
        cursor.execute(*tally_statement(engagements))


def tally_statement(engagements: Sequence[Engagement]) -> tuple[str, list[Any]]:
    """tally_many's PostgreSQL upsert (its text the same for any number), to run alone or
    with other statements in one round trip."""
    per_contact: dict[int, dict[str, Any]] = {}
    for engagement in engagements:
        row = per_contact.setdefault(
            engagement.contact_id, {**dict.fromkeys((*_SENTIMENTS, "netiquette"), 0), "at": None}
        )
        row[engagement.counted_as] += 1
        row["netiquette"] += int(engagement.netiquette)
        if engagement.sentiment == "positive":
            row["at"] = engagement.at  # the last positive one's, as one upsert each would leave
    contacts = sorted(per_contact)
    columns = [[per_contact[c][name] for c in contacts] for name in (*_SENTIMENTS, "netiquette")]
    return _TALLY_MANY_SQL, [contacts, *columns, [per_contact[c]["at"] for c in contacts]]


def _tally_portably(engagement: Engagement) -> None:
    field = engagement.counted_as
    positive = engagement.sentiment == "positive"
    changes: dict[str, Any] = {field: F(field) + 1}
    if engagement.netiquette:
        changes["netiquette"] = F("netiquette") + 1
    if positive:
        changes["last_positive_at"] = engagement.at
    contact_id = engagement.contact_id
    if not EngagementTally.objects.filter(contact_id=contact_id).update(**changes):
        try:
            with transaction.atomic():
                EngagementTally.objects.create(
                    contact_id=contact_id,
                    **{field: 1},
                    netiquette=int(engagement.netiquette),
                    last_positive_at=engagement.at if positive else None,
                )
        except IntegrityError:
            EngagementTally.objects.filter(contact_id=contact_id).update(**changes)


# Kept in English with its figures on the badge; pages word it for each reader.
SUGGESTED_BECAUSE = with_values(
    gettext_noop("%(positive)s positive messages, %(negative)s negative, no netiquette violation")
)


def suggest_ambassadors() -> int:
    """Suggest every contact who qualifies and has no ambassador badge yet (periodic task).

    Qualifies: at least AMBASSADOR_MIN_POSITIVE positive messages, fewer than half as many
    negative ones, and never a netiquette violation. A dismissed contact is not suggested again.
    """
    candidates = (
        EngagementTally.objects.filter(
            positive__gte=settings.AMBASSADOR_MIN_POSITIVE,
            netiquette=0,
            negative__lt=F("positive") / 2.0,
        )
        .exclude(contact__badges__kind=ContactBadge.Kind.AMBASSADOR)
        .order_by("-positive")[:500]
    )
    badges = [
        ContactBadge(
            contact_id=tally.contact_id,
            kind=ContactBadge.Kind.AMBASSADOR,
            reason=SUGGESTED_BECAUSE % {"positive": tally.positive, "negative": tally.negative},
        )
        for tally in candidates
    ]
    return len(ContactBadge.objects.bulk_create(badges, ignore_conflicts=True))


def decide(*, badge: ContactBadge, actor: Any, confirm: bool) -> ContactBadge:
    if badge.status != ContactBadge.Status.SUGGESTED and confirm == (
        badge.status == ContactBadge.Status.CONFIRMED
    ):
        return badge
    badge.status = ContactBadge.Status.CONFIRMED if confirm else ContactBadge.Status.DISMISSED
    badge.decided_by = actor
    badge.decided_at = timezone.now()
    badge.save(update_fields=["status", "decided_by", "decided_at"])
    return badge


def suggestions() -> QuerySet[ContactBadge]:
    return ContactBadge.objects.filter(
        kind=ContactBadge.Kind.AMBASSADOR, status=ContactBadge.Status.SUGGESTED
    ).select_related("contact", "contact__engagement")


def confirmed_badges(contact_id: int) -> list[ContactBadge]:
    return list(
        ContactBadge.objects.filter(contact_id=contact_id, status=ContactBadge.Status.CONFIRMED)
    )

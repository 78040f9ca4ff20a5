"""Brand ambassadors: contacts who keep engaging positively are suggested; managers decide."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from desk.classification.models import ContactBadge, EngagementTally


class BadgeError(ValueError):
    """A badge decision that cannot be made."""


_TALLY_SQL = """
    INSERT INTO classification_engagementtally AS t
        (contact_id, positive, neutral, negative, netiquette, last_positive_at)
    VALUES (%s, %s, %s, %s, %s, %s)
    ON CONFLICT (contact_id) DO UPDATE SET
        positive = t.positive + excluded.positive,
        neutral = t.neutral + excluded.neutral,
        negative = t.negative + excluded.negative,
        netiquette = t.netiquette + excluded.netiquette,
        last_positive_at = COALESCE(excluded.last_positive_at, t.last_positive_at)
"""


def tally(*, contact_id: int, sentiment: str, netiquette: bool, at: datetime) -> None:
    """Count one message of the contact: one upsert on PostgreSQL."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                *tally_upsert(
                    contact_id=contact_id, sentiment=sentiment, netiquette=netiquette, at=at
                )
            )
        return
    field = _counted_as(sentiment)
    changes: dict[str, Any] = {field: F(field) + 1}
    if netiquette:
        changes["netiquette"] = F("netiquette") + 1
    if sentiment == "positive":
        changes["last_positive_at"] = at
    if not EngagementTally.objects.filter(contact_id=contact_id).update(**changes):
        try:
            with transaction.atomic():
                EngagementTally.objects.create(
                    contact_id=contact_id,
                    **{field: 1},
                    netiquette=int(netiquette),
                    last_positive_at=at if sentiment == "positive" else None,
                )
        except IntegrityError:
            EngagementTally.objects.filter(contact_id=contact_id).update(**changes)


def tally_upsert(
    *, contact_id: int, sentiment: str, netiquette: bool, at: datetime
) -> tuple[str, list[Any]]:
    """tally as one PostgreSQL statement, to run alone or with others."""
    field = _counted_as(sentiment)
    counts = {name: int(name == field) for name in ("positive", "neutral", "negative")}
    return _TALLY_SQL, [
        contact_id,
        counts["positive"],
        counts["neutral"],
        counts["negative"],
        int(netiquette),
        at if sentiment == "positive" else None,
    ]


def _counted_as(sentiment: str) -> str:
    return sentiment if sentiment in ("positive", "neutral", "negative") else "neutral"


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
            reason=f"{tally.positive} positive messages, {tally.negative} negative, "
            "no netiquette violation",
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

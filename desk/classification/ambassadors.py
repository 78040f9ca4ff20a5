"""Brand ambassadors: contacts who keep engaging positively are suggested; managers decide."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from desk.classification.models import ContactBadge, EngagementTally


class BadgeError(ValueError):
    """A badge decision that cannot be made."""


def tally(*, contact_id: int, sentiment: str, netiquette: bool, at: datetime) -> None:
    """Count one message of the contact; suggest them as ambassador when they qualify."""
    field = sentiment if sentiment in ("positive", "neutral", "negative") else "neutral"
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
    if sentiment == "positive":
        _suggest_if_qualified(contact_id)


def _suggest_if_qualified(contact_id: int) -> None:
    engagement = EngagementTally.objects.get(contact_id=contact_id)
    qualifies = (
        engagement.positive >= settings.AMBASSADOR_MIN_POSITIVE
        and engagement.netiquette == 0
        and engagement.negative * 2 < engagement.positive
    )
    if not qualifies:
        return
    try:
        with transaction.atomic():
            ContactBadge.objects.get_or_create(
                contact_id=contact_id,
                kind=ContactBadge.Kind.AMBASSADOR,
                defaults={
                    "reason": f"{engagement.positive} positive messages, "
                    f"{engagement.negative} negative, no netiquette violation",
                },
            )
    except IntegrityError:
        pass  # suggested a moment ago by a concurrent message


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

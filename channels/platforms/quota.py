"""API quota spent per channel per day, for platforms that ration calls in units (YouTube)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from channels.platforms.models import QuotaUsage


def spend_quota(*, channel_id: int, day: date, units: int) -> int:
    """Add units to the day's count and return the new total; safe under concurrency."""
    for _ in range(2):
        if QuotaUsage.objects.filter(channel_id=channel_id, day=day).update(
            units=F("units") + units
        ):
            break
        try:
            with transaction.atomic():
                QuotaUsage.objects.create(channel_id=channel_id, day=day, units=units)
            break
        except IntegrityError:
            continue  # another worker created the row first: add to it
    return quota_used(channel_id=channel_id, day=day)


def quota_used(*, channel_id: int, day: date) -> int:
    usage = QuotaUsage.objects.filter(channel_id=channel_id, day=day).first()
    return usage.units if usage else 0

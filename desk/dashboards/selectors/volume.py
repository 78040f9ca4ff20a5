"""Mentions (inbound messages) per channel, day, hour and language, from the mention rollup.

Queue and agent filters do not apply: a mention has neither until it becomes a ticket.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Sum

from channels.models import Channel
from desk.dashboards.filters import Filters
from desk.dashboards.models import MentionHour


def _mentions(filters: Filters) -> Any:
    return MentionHour.objects.filter(filters.mentions())


def mentions_total(filters: Filters) -> int:
    return _mentions(filters).aggregate(n=Sum("mentions"))["n"] or 0


def monitored_mentions(filters: Filters) -> int:
    """Mentions on monitored-only channels: recorded, no ticket, no SLA."""
    monitored = Channel.objects.filter(service_level=Channel.ServiceLevel.MONITORED)
    found = _mentions(filters).filter(channel_id__in=monitored.values("pk"))
    return found.aggregate(n=Sum("mentions"))["n"] or 0


def mentions_by(filters: Filters, *keys: str) -> list[tuple[tuple[Any, ...], int]]:
    rows = _mentions(filters).values(*keys).annotate(n=Sum("mentions")).order_by(*keys)
    return [(tuple(row[key] for key in keys), row["n"]) for row in rows]


def mentions_by_day_and_channel(filters: Filters) -> dict[date, dict[int, int]]:
    table: dict[date, dict[int, int]] = {}
    for (day, channel_id), count in mentions_by(filters, "day", "channel_id"):
        table.setdefault(day, {})[channel_id] = count
    return table

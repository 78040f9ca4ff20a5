"""Mentions (inbound messages) per channel, day, hour and language, from the mention rollup.

Queue and agent filters do not apply: a mention has neither until it becomes a ticket.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, Sum

from desk.dashboards import slices
from desk.dashboards.filters import Filters
from desk.dashboards.models import MentionGroupDay, MentionHour


def _mentions(filters: Filters, keys: tuple[str, ...]) -> Any:
    """The mention grouping set of the filters and the keys read when it is kept (see
    desk.dashboards.slices), else the hourly rollup."""
    wanted = {key for key, column in slices.MENTION_KEYS.items() if column in keys}
    wanted.update(key for key in filters.keys if key in slices.MENTION_KEYS)
    name = slices.kept(wanted, slices.MENTION_SETS)
    if name is not None:
        return MentionGroupDay.objects.filter(Q(grouping=name) & filters.mentions())
    return MentionHour.objects.filter(filters.mentions())


def mentions_by(filters: Filters, *keys: str) -> list[tuple[tuple[Any, ...], int]]:
    rows = _mentions(filters, keys).values(*keys).annotate(n=Sum("mentions")).order_by(*keys)
    return [(tuple(row[key] for key in keys), row["n"]) for row in rows]


def mentions_by_day_channel_language(filters: Filters) -> list[tuple[tuple[Any, ...], int]]:
    """One read that the per-day, per-channel and per-language tables all fold from."""
    return mentions_by(filters, "day", "channel_id", "language")


def fold(rows: list[tuple[tuple[Any, ...], int]], *positions: int) -> dict[Any, int]:
    """Sum rows by the key parts at `positions` (one position: a plain key)."""
    sums: dict[Any, int] = {}
    for key, count in rows:
        part = key[positions[0]] if len(positions) == 1 else tuple(key[p] for p in positions)
        sums[part] = sums.get(part, 0) + count
    return sums


def mentions_by_day_and_channel(
    rows: list[tuple[tuple[Any, ...], int]],
) -> dict[date, dict[int, int]]:
    table: dict[date, dict[int, int]] = {}
    for (day, channel_id), count in fold(rows, 0, 1).items():
        table.setdefault(day, {})[channel_id] = count
    return table

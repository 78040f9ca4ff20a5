"""Sums of rollup counters over a filtered range, in total or grouped by one key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, Sum

from desk.dashboards import slices
from desk.dashboards.filters import Filters
from desk.dashboards.metrics import compliance
from desk.dashboards.models import TicketAgentDay, TicketDay, TicketGroupDay
from desk.dashboards.rollups import SUMMED

# Keys a breakdown may group by, as rollup columns.
KEYS = ("channel_id", "queue_id", "agent_id", "language", "day")


@dataclass
class Counts:
    values: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name) or (timedelta(0) if name == "wall_time" else 0)

    def add(self, other: Counts) -> None:
        for name in SUMMED:
            self.values[name] = self[name] + other[name]

    @property
    def compliance(self) -> float | None:
        return compliance(self["met"], self["breached"])

    @property
    def mean_business_hours(self) -> float | None:
        if not self["responded"]:
            return None
        return round(self["business_seconds"] / self["responded"] / 3600, 2)

    @property
    def mean_wall_hours(self) -> float | None:
        if not self["responded"]:
            return None
        return round(self["wall_time"].total_seconds() / self["responded"] / 3600, 2)


def _rollup(filters: Filters, by: str | None) -> Any:
    """The fewest rollup rows that hold these sums: the grouping set of the filtered keys and
    the breakdown when it is kept, else the full-key rollup (with agents when they matter)."""
    keys = {*filters.keys, *([slices.COLUMNS[by]] if by in slices.COLUMNS else [])}
    name = slices.kept(keys, slices.TICKET_SETS)
    if name is not None:
        return TicketGroupDay.objects.filter(Q(grouping=name) & filters.rollup(with_agent=True))
    with_agent = "agent" in keys
    model = TicketAgentDay if with_agent else TicketDay
    return model.objects.filter(filters.rollup(with_agent=with_agent))


def _sums() -> dict[str, Sum]:
    return {name: Sum(name) for name in SUMMED}


def totals(filters: Filters) -> Counts:
    return Counts(_rollup(filters, None).aggregate(**_sums()))


def grouped(filters: Filters, by: str) -> list[tuple[Any, Counts]]:
    """Counts per value of one key, in key order."""
    if by not in KEYS:
        raise ValueError(f"cannot group by {by}")
    rows = _rollup(filters, by).values(by).annotate(**_sums()).order_by(by)
    return [(row.pop(by), Counts(row)) for row in rows]


def weekly(filters: Filters) -> list[tuple[date, Counts]]:
    """Counts per ISO week (keyed by its Monday), folded from the daily sums."""
    return fold_weeks(grouped(filters, "day"))


def fold_weeks(days: Iterable[tuple[date, Counts]]) -> list[tuple[date, Counts]]:
    weeks: dict[date, Counts] = {}
    for day, counts in days:
        monday = day - timedelta(days=day.weekday())
        weeks.setdefault(monday, Counts()).add(counts)
    return sorted(weeks.items())

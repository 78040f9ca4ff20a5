"""Median and 90th percentile of first-response times, exact.

Business time is the SLA engine's `first_response_seconds` (business seconds in the policy's
calendar, net of the time the ticket waited on the customer); wall-clock time is from the
ticket's creation to its first public or holding reply. The method is PostgreSQL's
`percentile_cont` (linear interpolation between the two nearest ranks) over the responded
tickets of the range, read by an index-only scan of a covering partial index (migration
dashboards 0002); other databases compute the same interpolation in Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Aggregate, Count, DurationField, FloatField

from desk.dashboards.filters import Filters
from desk.dashboards.metrics import RESPONDED, WALL_TIME
from desk.dashboards.models import RollupState
from tickets.models import Ticket

FRACTIONS = {"median": 0.5, "p90": 0.9}
SORT_MEMORY = "64MB"
CACHE_SECONDS = 15 * 60


class PercentileCont(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, *, fraction: float, output_field: Any) -> None:
        super().__init__(expression, fraction=float(fraction), output_field=output_field)


@dataclass(frozen=True)
class Percentiles:
    responded: int
    # Seconds; None when no ticket of the range was answered.
    business_median: float | None = None
    business_p90: float | None = None
    wall_median: float | None = None
    wall_p90: float | None = None

    def hours(self, name: str) -> float | None:
        value = getattr(self, name)
        return None if value is None else round(value / 3600, 2)


def response_percentiles(filters: Filters) -> Percentiles:
    """Exact percentiles, cached until the next rollup refresh.

    Sorting a quarter of a million response times costs a few hundred milliseconds at a
    million tickets, so the answer is kept per filter set until the rollups move on (at most
    a minute): the percentiles are then exactly as current as every other figure on the page.
    """
    refreshed_at = RollupState.objects.values_list("refreshed_at", flat=True).first()
    if refreshed_at is None:
        return compute_percentiles(filters)
    key = "dashboards:percentiles:" + ":".join(
        str(part)
        for part in (
            refreshed_at.isoformat(),
            filters.first,
            filters.last,
            filters.channel,
            filters.queue,
            filters.agent,
            filters.language,
        )
    )
    found = cache.get(key)
    if found is None:
        found = compute_percentiles(filters)
        cache.set(key, found, CACHE_SECONDS)
    return found


def compute_percentiles(filters: Filters) -> Percentiles:
    tickets = Ticket.objects.filter(filters.tickets() & RESPONDED)
    if connection.vendor == "postgresql":
        return _in_database(tickets)
    return _in_python(tickets)


def _in_database(tickets: Any) -> Percentiles:
    aggregates: dict[str, Any] = {"responded": Count("pk")}
    for name, fraction in FRACTIONS.items():
        aggregates[f"business_{name}"] = PercentileCont(
            "first_response_seconds", fraction=fraction, output_field=FloatField()
        )
        aggregates[f"wall_{name}"] = PercentileCont(
            WALL_TIME, fraction=fraction, output_field=DurationField()
        )
    # The ordered-set aggregates sort the range's response times; a quarter of a million
    # integers must sort in memory, not in temporary files.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{SORT_MEMORY}'")
        found = tickets.aggregate(**aggregates)
    return Percentiles(
        responded=found.pop("responded"),
        **{
            name: (value.total_seconds() if hasattr(value, "total_seconds") else value)
            for name, value in found.items()
        },
    )


def _in_python(tickets: Any) -> Percentiles:
    rows = list(tickets.values_list("first_response_seconds", "first_responded_at", "created_at"))
    business = sorted(float(seconds) for seconds, _, _ in rows)
    wall = sorted((answered - created).total_seconds() for _, answered, created in rows)
    found: dict[str, float | None] = {}
    for name, fraction in FRACTIONS.items():
        found[f"business_{name}"] = percentile_cont(business, fraction)
        found[f"wall_{name}"] = percentile_cont(wall, fraction)
    return Percentiles(responded=len(rows), **found)


def percentile_cont(ordered: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont on sorted values: interpolate between nearest ranks."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower, upper = math.floor(position), math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)

"""Median and 90th percentile of first-response times, exact.

The method is PostgreSQL's `percentile_cont`: over the N responded tickets of the range
sorted by response time, the value at position f * (N - 1), interpolated linearly between the
two nearest ranks. Business and wall-clock time are as desk.dashboards.response_times defines
them. No rounding to buckets: the result is the exact percentile of the tickets' own times.

It is found in two steps, so that a 90-day page reads a few thousand rows instead of sorting
a quarter of a million response times:

1. The response-time bucket rollup (ResponseBucketDay: tickets per day, key, measure and
   bucket) tells how many of the range's tickets lie in each bucket, so for each rank needed
   the bucket it falls in and its place inside that bucket.
2. Only that bucket's tickets are read from the tickets table, sorted by their time (an
   index on the time serves it), and the rank's value is taken from them.

Step 1 is as current as the rollups (refreshed every minute); step 2 reads the tickets as they
are now. When a bucket read no longer holds as many tickets as the rollup counted (tickets
answered or changed since the last refresh), the percentiles are computed directly from the
tickets, as they are for filter combinations the bucket rollup does not keep (two or more
keys). A change in a bucket not read reaches the figures with the next refresh, as it does
every other figure of the page.
Directly, PostgreSQL runs percentile_cont over a covering partial index (migration dashboards
0002); other databases compute the same interpolation in Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Aggregate, Count, DurationField, FloatField, Q, Sum, Window

from desk.dashboards import slices
from desk.dashboards.filters import Filters
from desk.dashboards.metrics import RESPONDED, WALL_TIME
from desk.dashboards.models import ResponseBucketDay, RollupState
from desk.dashboards.response_times import MEASURES, Measure
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
        found = bucketed_percentiles(filters) or compute_percentiles(filters)
        cache.set(key, found, CACHE_SECONDS)
    return found


def bucketed_percentiles(filters: Filters) -> Percentiles | None:
    """The exact percentiles through the bucket rollup (see the module's doc); None when the
    rollup does not keep these filters or no longer matches the tickets."""
    name = slices.kept(filters.keys, slices.RESPONSE_SETS)
    if name is None:
        return None
    # The keys outside the set are NULL: saying so lets the index find the rows directly.
    unset = {f"{column}__isnull": True for key, column in slices.KEYS.items() if key != name}
    rows = (
        ResponseBucketDay.objects.filter(
            Q(grouping=name, **unset) & filters.rollup(with_agent=True)
        )
        .values_list("measure", "bucket")
        .annotate(n=Sum("tickets"))
    )
    counts: dict[str, dict[int, int]] = {measure: {} for measure in MEASURES}
    for measure, bucket, n in rows:
        counts[measure][bucket] = n
    responded = sum(counts["business"].values())
    if responded != sum(counts["wall"].values()):
        return None
    found: dict[str, float | None] = {}
    for measure_name, measure in MEASURES.items():
        values = _ranked_values(filters, measure, counts[measure_name])
        if values is None:
            return None
        total = sum(counts[measure_name].values())
        for name, fraction in FRACTIONS.items():
            found[f"{measure_name}_{name}"] = _interpolate(values, total, fraction)
    return Percentiles(responded=responded, **found)


def _positions(total: int, fraction: float) -> tuple[int, int, float]:
    position = fraction * (total - 1)
    return math.floor(position), math.ceil(position), position - math.floor(position)


def _interpolate(values: dict[int, float], total: int, fraction: float) -> float | None:
    if total == 0:
        return None
    lower, upper, weight = _positions(total, fraction)
    return values[lower] + (values[upper] - values[lower]) * weight


def _ranked_values(
    filters: Filters, measure: Measure, counts: dict[int, int]
) -> dict[int, float] | None:
    """The values (seconds) at the ranks the percentiles need, read bucket by bucket."""
    total = sum(counts.values())
    if total == 0:
        return {}
    ranks: set[int] = set()
    for fraction in FRACTIONS.values():
        lower, upper, _ = _positions(total, fraction)
        ranks.update((lower, upper))
    # Each needed rank as (bucket, place in the bucket).
    wanted: dict[int, dict[int, int]] = {}
    before = 0
    for bucket in sorted(counts):
        for rank in ranks:
            if before <= rank < before + counts[bucket]:
                wanted.setdefault(bucket, {})[rank] = rank - before
        before += counts[bucket]
    tickets = Ticket.objects.filter(filters.tickets() & RESPONDED).annotate(
        response_value=measure.expression
    )
    values: dict[int, float] = {}
    for bucket, places in wanted.items():
        first, last = min(places.values()), max(places.values())
        inside = (
            tickets.filter(measure.within("response_value", bucket))
            .annotate(in_bucket=Window(Count("*")))
            .order_by("response_value")
            .values_list("response_value", "in_bucket")
        )
        found = list(inside[first : last + 1])
        if len(found) != last + 1 - first or found[0][1] != counts[bucket]:
            return None
        for rank, place in places.items():
            values[rank] = measure.seconds(found[place - first][0])
    return values


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

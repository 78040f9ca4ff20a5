"""Figures owned by other apps, read through one function each so the dashboards work
without them.

- Incidents (crisis detection, `desk.classification`): markers on the volume timeline.
- Tracked terms (hashtags): mentions per term and day, as counted by the crisis detector
  per scope "term:<term>".

Each returns [] while the app that owns the data is not installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db.models import Sum
from django.db.models.functions import TruncDate

from desk.dashboards.filters import Filters
from desk.dashboards.rollups import day_span, local_zone

TERM_SCOPE_PREFIX = "term:"


@dataclass(frozen=True)
class IncidentMarker:
    opened_at: datetime
    closed_at: datetime | None
    label: str


@dataclass(frozen=True)
class TermSeries:
    term: str
    per_day: dict[date, int]


def _model(label: str, name: str) -> Any | None:
    try:
        return apps.get_model(label, name)
    except LookupError:
        return None


def incident_markers(filters: Filters) -> list[IncidentMarker]:
    incident = _model("classification", "Incident")
    if incident is None:
        return []
    start, end = day_span(filters.first, filters.last)
    found = incident.objects.filter(opened_at__gte=start, opened_at__lt=end).order_by("opened_at")
    return [
        IncidentMarker(row.opened_at, row.closed_at, row.label or row.scope) for row in found[:200]
    ]


def tracked_term_series(filters: Filters) -> list[TermSeries]:
    counts = _model("classification", "MentionCount")
    if counts is None:
        return []
    start, end = day_span(filters.first, filters.last)
    rows = (
        counts.objects.filter(
            scope__startswith=TERM_SCOPE_PREFIX, bucket_start__gte=start, bucket_start__lt=end
        )
        .annotate(day=TruncDate("bucket_start", tzinfo=local_zone()))
        .values("scope", "day")
        .annotate(n=Sum("total"))
        .order_by("scope", "day")
    )
    series: dict[str, dict[date, int]] = {}
    for row in rows:
        term = row["scope"][len(TERM_SCOPE_PREFIX) :]
        series.setdefault(term, {})[row["day"]] = row["n"]
    return [TermSeries(term, per_day) for term, per_day in series.items()]

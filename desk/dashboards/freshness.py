"""Figures at most a minute old, whether or not a beat process runs.

With Celery beat, the SLA sweep and the rollup refresh run every minute and this finds them
fresh. Without it (eager mode, the demo) nothing else would ever run them, so a dashboard
read that finds the rollups older than a minute first records the breaches that fell due
(the sweep: a target is breached at the instant it passes, answered or not) and then takes
every change into the rollups. Both are incremental and idempotent.

A read never waits for a refresh that another process is running (beat, or another read):
it shows the figures as they stand, at most one refresh behind. Waiting made every dashboard
read behind a slow refresh queue up, and then refresh again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from desk.dashboards import rollups
from desk.dashboards.models import RollupState
from desk.sla.sweep import sweep

MAX_AGE = timedelta(seconds=60)


def ensure_fresh(*, now: datetime) -> datetime | None:
    """Bring the SLA records and rollups up to `now` if older than MAX_AGE; return the moment
    the rollups' figures are as of (None before the first refresh), which pages show."""
    found = RollupState.objects.filter(pk=1).values_list("refreshed_at").first()
    refreshed_at = found[0] if found else None
    if _recent(refreshed_at, now):
        return refreshed_at
    if found is None:
        RollupState.objects.get_or_create(pk=1)
    with transaction.atomic():
        # The lock rollups.refresh takes: held elsewhere means a refresh is under way.
        state = RollupState.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if state is None:
            return refreshed_at
        if _recent(state.refreshed_at, now):
            return state.refreshed_at
        sweep(now=now)
        rollups.refresh(now=now, locked=state)
    return now


def _recent(refreshed_at: datetime | None, now: datetime) -> bool:
    return refreshed_at is not None and now - refreshed_at < MAX_AGE

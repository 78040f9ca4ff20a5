"""Writes on SLA configuration. Every change reaches the open tickets it affects."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F

from desk.config_snapshot import changed
from desk.sla.models import Calendar, SlaPolicy, SlaTarget
from desk.sla.tasks import recompute_sla_due_times

log = logging.getLogger(__name__)


def calendar_changed(*, calendar: Calendar) -> None:
    """A calendar (hours, holidays, days) changed: new version, due times recomputed."""
    Calendar.objects.filter(pk=calendar.pk).update(version=F("version") + 1)
    calendar.refresh_from_db(fields=["version"])
    changed()  # an update sends no signal; cached policies hold the calendar's old version
    transaction.on_commit(lambda: _enqueue_recompute(calendar_id=calendar.pk))


def save_priority_targets(*, policy: SlaPolicy, targets: dict[int, dict[str, int | None]]) -> None:
    """A policy's own targets per priority: a priority with no figures has none (the policy's
    apply); a blank figure beside others takes the policy's. Call policy_changed after."""
    for priority, figures in targets.items():
        if all(value is None for value in figures.values()):
            SlaTarget.objects.filter(policy=policy, priority=priority).delete()
            continue
        SlaTarget.objects.update_or_create(
            policy=policy,
            priority=priority,
            defaults={
                column: getattr(policy, column) if value is None else value
                for column, value in figures.items()
            },
        )


def policy_changed(*, policy: SlaPolicy) -> None:
    """A policy's targets or calendar changed: its open tickets' due times recomputed."""
    transaction.on_commit(lambda: _enqueue_recompute(policy_id=policy.pk))


def _enqueue_recompute(*, calendar_id: int | None = None, policy_id: int | None = None) -> None:
    try:
        recompute_sla_due_times.apply_async(
            kwargs={"calendar_id": calendar_id, "policy_id": policy_id}
        )
    except Exception:  # noqa: BLE001 - the change is saved; the sweep's states stay readable
        log.error("could not enqueue the SLA recompute", exc_info=True)

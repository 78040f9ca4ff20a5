"""The periodic jobs Celery beat runs: one schedule for production and the embedded demo.

The environment sets two of the intervals (desk.config.settings reads them); everything
else here is how the desk works, not configuration.
"""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab


def beat_schedule(
    *, inbound_sweep_seconds: float, health_check_seconds: float
) -> dict[str, dict[str, Any]]:
    return {
        # Inbound events: a drain for those left pending (broker down, drain lost) or due for a
        # retry. One indexed query when nothing is pending.
        "sweep-pending-inbound-events": {
            "task": "desk.ingestion.tasks.sweep_pending_events",
            "schedule": inbound_sweep_seconds,
        },
        "poll-due-channels": {"task": "channels.tasks.poll_due_channels", "schedule": 30.0},
        "sweep-queued-deliveries": {
            "task": "channels.tasks.sweep_queued_deliveries",
            "schedule": 120.0,
        },
        # Channel health: tokens, permissions and subscriptions asked of the platforms; the
        # delivery rhythm read from our own events, often, as it costs no platform call.
        "check-channel-health": {
            "task": "channels.tasks.check_channel_health",
            "schedule": health_check_seconds,
        },
        "check-delivery-rhythm": {
            "task": "channels.tasks.check_delivery_rhythm",
            "schedule": 300.0,
        },
        "sweep-sla-warnings-and-breaches": {"task": "desk.sla.tasks.sweep_sla", "schedule": 60.0},
        "privacy-retention-nightly": {
            "task": "desk.privacy.tasks.run_retention",
            "schedule": crontab(hour=3, minute=30),
        },
        "retrain-classifier": {
            "task": "desk.classification.tasks.retrain_if_new_examples",
            "schedule": 3600.0,
        },
        "suggest-ambassadors": {
            "task": "desk.classification.tasks.suggest_ambassadors",
            "schedule": 3600.0,
        },
        "prune-crisis-counters": {
            "task": "desk.classification.tasks.prune_crisis_counters",
            "schedule": 6 * 3600.0,
        },
        # Dashboards: rollups refreshed every minute and rebuilt nightly; the weekly SLA summary
        # goes to the managers on Monday morning.
        "refresh-dashboard-rollups": {
            "task": "desk.dashboards.tasks.refresh_rollups",
            "schedule": 60.0,
        },
        "rebuild-dashboard-rollups": {
            "task": "desk.dashboards.tasks.rebuild_rollups",
            "schedule": crontab(hour=3, minute=30),
        },
        "weekly-sla-summary": {
            "task": "desk.dashboards.tasks.send_weekly_sla_summary",
            "schedule": crontab(day_of_week="mon", hour=7, minute=0),
        },
        # The daily digest for people who prefer their notification e-mails once a day.
        "notification-digests": {
            "task": "desk.notifications.tasks.send_notification_digests",
            "schedule": crontab(hour=7, minute=30),
        },
    }

from celery import shared_task

from desk.dashboards import rollups
from desk.dashboards.report import send_weekly_summary


@shared_task(name="desk.dashboards.tasks.refresh_rollups")
def refresh_rollups() -> int:
    """Take ticket and mention changes into the rollups (beat, every minute)."""
    result = rollups.refresh()
    return result.ticket_days + result.mention_days


@shared_task(name="desk.dashboards.tasks.rebuild_rollups")
def rebuild_rollups() -> None:
    """Recompute every rollup from scratch (beat, nightly): repairs what no timestamp shows."""
    rollups.rebuild()


@shared_task(name="desk.dashboards.tasks.send_weekly_sla_summary")
def send_weekly_sla_summary() -> int:
    """E-mail last week's SLA summary to the managers (beat, Monday morning)."""
    return send_weekly_summary()

from celery import shared_task

from desk.sla.recompute import recompute_due_times
from desk.sla.sweep import sweep


@shared_task(name="desk.sla.tasks.sweep_sla")
def sweep_sla() -> int:
    """Record warnings and breaches that fell due and escalate them (beat, every minute)."""
    return sweep()


@shared_task(name="desk.sla.tasks.recompute_sla_due_times", acks_late=True)
def recompute_sla_due_times(calendar_id: int | None = None, policy_id: int | None = None) -> int:
    return recompute_due_times(calendar_id=calendar_id, policy_id=policy_id)

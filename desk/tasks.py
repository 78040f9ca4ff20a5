from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from channels.models import InboundEvent
from desk.processing import Outcome, due_event_ids, enqueue_processing, process_event


@shared_task(name="desk.tasks.process_inbound_event", acks_late=True)
def process_inbound_event(event_id: int) -> str:
    outcome, _ = process_event(event_id)
    return outcome.value


@shared_task(name="desk.tasks.sweep_pending_events")
def sweep_pending_events() -> int:
    """Re-enqueue events left pending: stored while Redis was down, or due for a retry."""
    enqueued = [event_id for event_id in due_event_ids() if enqueue_processing(event_id)]
    # While a backlog drains, an enqueued event may stay pending for minutes; without a lease
    # every sweep would queue it again and flood the workers with duplicates to skip.
    lease = timezone.now() + timedelta(seconds=settings.INBOUND_SWEEP_LEASE_SECONDS)
    InboundEvent.objects.filter(pk__in=enqueued, state=InboundEvent.State.PENDING).update(
        next_attempt_at=lease
    )
    return len(enqueued)


__all__ = ["Outcome", "process_inbound_event", "sweep_pending_events"]

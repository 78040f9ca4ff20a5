import logging
import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from channels.models import InboundEvent
from desk.ingestion.processing import due_event_ids, process_event

log = logging.getLogger(__name__)


@shared_task(name="desk.ingestion.tasks.process_inbound_event", acks_late=True)
def process_inbound_event(event_id: int) -> str:
    outcome, _ = process_event(event_id)
    return outcome.value


@shared_task(name="desk.ingestion.tasks.sweep_pending_events")
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


# After a failed publish, further publishes in this process are skipped for a moment: during
# a broker outage a burst of webhooks is acknowledged at full speed instead of each one waiting
# for a connection attempt to fail. Skipped events are stored; the sweeper enqueues them.
BROKER_BACKOFF_SECONDS = 2.0
_broker_down_until = 0.0


def enqueue_processing(event_id: int) -> bool:
    """Hand an event to a worker. A broker outage is not an error: the sweeper catches up."""
    global _broker_down_until
    eager = process_inbound_event.app.conf.task_always_eager  # runs inline, no broker involved
    if not eager and time.monotonic() < _broker_down_until:
        return False
    try:
        process_inbound_event.apply_async((event_id,))
    except Exception as exc:  # noqa: BLE001 - the event is stored; the sweeper will retry
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        log.warning("could not enqueue inbound event %s: %s", event_id, exc)
        return False
    return True

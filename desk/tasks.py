from celery import shared_task

from desk.processing import Outcome, due_event_ids, enqueue_processing, process_event


@shared_task(name="desk.tasks.process_inbound_event", acks_late=True)
def process_inbound_event(event_id: int) -> str:
    outcome, _ = process_event(event_id)
    return outcome.value


@shared_task(name="desk.tasks.sweep_pending_events")
def sweep_pending_events() -> int:
    """Re-enqueue events left pending: stored while Redis was down, or due for a retry."""
    enqueued = 0
    for event_id in due_event_ids():
        enqueued += enqueue_processing(event_id)
    return enqueued


__all__ = ["Outcome", "process_inbound_event", "sweep_pending_events"]

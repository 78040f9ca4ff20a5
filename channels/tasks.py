from celery import shared_task

from channels import polling
from channels.delivery import DeliveryOutcome, deliver, stale_queued_message_ids
from channels.health import checks

DELIVERY_MAX_RETRIES = 8


@shared_task(
    bind=True,
    name="channels.tasks.deliver_message",
    acks_late=True,
    max_retries=DELIVERY_MAX_RETRIES,
)
def deliver_message(self, message_id: int) -> str:
    outcome = deliver(message_id)
    if outcome == DeliveryOutcome.RETRY and not self.request.is_eager:
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600))
    return outcome.value


@shared_task(name="channels.tasks.sweep_queued_deliveries")
def sweep_queued_deliveries() -> int:
    """Re-enqueue replies left queued: their task was lost (Redis down, worker killed)."""
    enqueued = 0
    for message_id in stale_queued_message_ids():
        try:
            deliver_message.apply_async((message_id,))
        except Exception:  # noqa: BLE001, S112 - the broker is down; the next sweep tries again
            break
        enqueued += 1
    return enqueued


@shared_task(name="channels.tasks.poll_channel", acks_late=True)
def poll_channel(channel_id: int) -> str:
    return polling.poll_channel(channel_id=channel_id).status.value


@shared_task(name="channels.tasks.poll_due_channels")
def poll_due_channels() -> int:
    """Run by beat: hand every pull channel whose interval has passed to a worker."""
    enqueued = 0
    for channel_id in polling.claim_due_channels():
        poll_channel.apply_async((channel_id,))
        enqueued += 1
    return enqueued


@shared_task(name="channels.tasks.check_channel_health")
def check_channel_health() -> dict[str, int]:
    """Run by beat (HEALTH_CHECK_SECONDS): tokens, permissions and subscriptions."""
    return checks.check_channel_health()


@shared_task(name="channels.tasks.check_delivery_rhythm")
def check_delivery_rhythm() -> dict[str, int]:
    """Run by beat every few minutes: webhook and stream channels quieter than usual."""
    return checks.check_delivery_rhythm()

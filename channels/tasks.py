from celery import shared_task

from channels.delivery import DeliveryOutcome, deliver

DELIVERY_MAX_RETRIES = 8


@shared_task(
    bind=True,
    name="channels.tasks.deliver_message",
    acks_late=True,
    max_retries=DELIVERY_MAX_RETRIES,
)
def deliver_message(self, message_id: int) -> str:  # type: ignore[no-untyped-def]
    outcome = deliver(message_id)
    if outcome == DeliveryOutcome.RETRY and not self.request.is_eager:
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600))
    return outcome.value

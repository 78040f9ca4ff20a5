from celery import shared_task

from desk.webform.confirmation import Receipt, send_confirmation

# A submission waits for processing behind whatever else arrived (a crisis spike drains in
# minutes); the receipt asks again with growing pauses, about an hour in all.
WAIT_RETRIES = 8


@shared_task(
    bind=True,
    name="desk.webform.tasks.send_form_confirmation",
    acks_late=True,
    max_retries=WAIT_RETRIES,
)
def send_form_confirmation(self, event_id: int) -> str:
    try:
        outcome = send_confirmation(event_id=event_id)
    except OSError as exc:
        if self.request.is_eager:
            return "failed"
        raise self.retry(countdown=60 * 2 ** min(self.request.retries, 5), exc=exc) from exc
    if outcome == Receipt.WAITING and not self.request.is_eager:
        raise self.retry(countdown=min(15 * 2**self.request.retries, 900))
    return outcome.value

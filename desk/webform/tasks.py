from celery import shared_task

from desk.webform.confirmation import send_confirmation


@shared_task(
    bind=True, name="desk.webform.tasks.send_form_confirmation", acks_late=True, max_retries=5
)
def send_form_confirmation(self, event_id: int) -> str:
    try:
        return send_confirmation(event_id=event_id)
    except OSError as exc:
        if self.request.is_eager:
            return "failed"
        raise self.retry(countdown=60 * 2**self.request.retries, exc=exc) from exc

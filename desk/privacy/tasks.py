from celery import shared_task

from desk.privacy.services.retention import run_retention as run


@shared_task(name="desk.privacy.tasks.run_retention")
def run_retention() -> dict[str, int]:
    """Nightly (settings.CELERY_BEAT_SCHEDULE): anonymize or delete expired conversations."""
    report = run()
    return {"conversations": report.conversations, "contacts": report.contacts}

from celery import shared_task

from desk.notifications.services import send_digests


@shared_task(name="desk.notifications.tasks.send_notification_digests")
def send_notification_digests() -> int:
    """E-mail the daily digest to everyone who prefers one (beat, every morning)."""
    return send_digests()

from celery import shared_task

from desk.connect.services import subscribe


@shared_task(name="connect.tasks.subscribe_connected_channel", acks_late=True)
def subscribe_connected_channel(channel_id: int) -> str:
    """Register a newly connected channel's webhook or subscription with its platform."""
    return subscribe(channel_id=channel_id)

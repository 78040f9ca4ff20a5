from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = "Inbound desk"

    def ready(self) -> None:
        from channels.hooks import channel_alert, event_stored, reply_failed
        from desk.notifications.receivers import on_channel_alert, on_reply_failed
        from desk.processing import enqueue_processing

        event_stored.connect(enqueue_processing)
        reply_failed.connect(on_reply_failed)
        channel_alert.connect(on_channel_alert)

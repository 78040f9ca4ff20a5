from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = "Inbound desk"

    def ready(self) -> None:
        # Channel alerts (an expiring token) reach people through the notifications; imported
        # here because models are ready only now.
        from channels.hooks import channel_alert
        from desk.notifications import notify_channel_alert

        channel_alert.connect(notify_channel_alert)

from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = "Inbound desk"

    def ready(self) -> None:
        # What the channels layer reports reaches people through the notification centre;
        # imported here because models are ready only now.
        from channels.hooks import channel_alert, reply_failed
        from desk.receivers import on_channel_alert, on_reply_failed

        reply_failed.connect(on_reply_failed)
        channel_alert.connect(on_channel_alert)

from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = "Inbound desk"

    def ready(self) -> None:
        from channels.hooks import event_stored
        from desk.processing import enqueue_processing

        event_stored.connect(enqueue_processing)

from django.apps import AppConfig


class IngestionConfig(AppConfig):
    name = "desk.ingestion"
    label = "ingestion"
    verbose_name = "Ingestion"

    def ready(self) -> None:
        # Stored events reach processing through the channels layer's hook (channels never
        # import the desk); imported here because models are ready only now.
        from channels.hooks import event_stored
        from desk.ingestion.tasks import enqueue_processing

        event_stored.connect(enqueue_processing)

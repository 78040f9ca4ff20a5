from django.apps import AppConfig


class ClassificationConfig(AppConfig):
    name = "desk.classification"
    label = "classification"
    verbose_name = "Classification, routing and crisis detection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the models are ready only now.
        # Declares an ambassador suggestion's reason (tickets.text.with_values) when imported.
        from desk.classification import (
            ambassadors,  # noqa: F401
            privacy,
        )
        from desk.privacy.services.redaction import register_step

        for step in (
            privacy.redact_search_index,
            privacy.redact_training_examples,
            privacy.redact_ticket_decisions,
            privacy.redact_engagement,
        ):
            register_step(step)

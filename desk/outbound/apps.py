from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "desk.outbound"
    label = "outbound"
    verbose_name = "Outbound gate"

    def ready(self) -> None:
        # Imported here: the models are ready only now.
        # The gate declares its reasons that carry values (tickets.text.with_values) when
        # imported: every process must know them to word a recorded reason again.
        from desk.outbound import gate  # noqa: F401
        from desk.outbound.privacy import redact_reply_approvals
        from desk.privacy.services.redaction import register_step

        register_step(redact_reply_approvals)

from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "desk.sla"
    label = "sla"
    verbose_name = "Service levels"

    def ready(self) -> None:
        # The SLA engine takes part in the spine's status and priority changes through the
        # spine's hooks; imported here because models are ready only now.
        from desk.sla import clocks
        from tickets.hooks import priority_changing, status_changing

        status_changing.connect(clocks.status_hook)
        priority_changing.connect(clocks.priority_hook)
        # A reply counts as a response when the platform accepted it.
        from channels.hooks import reply_delivered
        from desk.sla.delivery import on_reply_delivered

        reply_delivered.connect(on_reply_delivered)

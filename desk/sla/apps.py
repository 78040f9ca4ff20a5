from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "desk.sla"
    label = "sla"
    verbose_name = "Service levels"

    def ready(self) -> None:
        from channels.hooks import reply_delivered
        from desk.sla.delivery import on_reply_delivered

        reply_delivered.connect(on_reply_delivered)

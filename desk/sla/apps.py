from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "desk.sla"
    label = "sla"
    verbose_name = "Service levels"

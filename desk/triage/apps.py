from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "desk.triage"
    label = "triage"
    verbose_name = "Triage desk"

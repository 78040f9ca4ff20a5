from django.apps import AppConfig


class ClassificationConfig(AppConfig):
    name = "desk.classification"
    label = "classification"
    verbose_name = "Classification, routing and crisis detection"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "platforms"
    label = "platforms"
    verbose_name = "Platform features"

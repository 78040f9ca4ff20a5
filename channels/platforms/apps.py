from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "channels.platforms"
    label = "platforms"
    verbose_name = "Platform features"

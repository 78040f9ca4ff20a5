from django.apps import AppConfig


class ConnectConfig(AppConfig):
    name = "desk.connect"
    label = "connect"
    verbose_name = "Channel connection"

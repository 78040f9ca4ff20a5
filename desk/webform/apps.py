from django.apps import AppConfig


class WebformConfig(AppConfig):
    name = "desk.webform"
    label = "webform"
    verbose_name = "Web form"

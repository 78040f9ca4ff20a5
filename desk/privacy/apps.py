from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "desk.privacy"
    label = "privacy"
    verbose_name = "Privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from channels.hooks import reply_delivered
        from desk.privacy.services.reply_notice import on_reply_delivered

        reply_delivered.connect(on_reply_delivered)

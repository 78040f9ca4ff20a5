from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "desk.privacy"
    label = "privacy"
    verbose_name = "Privacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the steps' models are ready only now.
        from channels.hooks import reply_delivered
        from desk.notifications.address import address_changed
        from desk.privacy.services.audit import on_address_changed
        from desk.privacy.services.redaction import register_step
        from desk.privacy.services.reply_notice import on_reply_delivered
        from desk.privacy.steps import channels, platforms

        for step in (
            channels.redact_attachments,
            channels.redact_delivery_attempts,
            platforms.redact_message_revisions,
            platforms.redact_platform_actions,
        ):
            register_step(step)
        # A notice travelling with a reply counts as given once the platform took the reply.
        reply_delivered.connect(on_reply_delivered)
        address_changed.connect(on_address_changed)

from django.contrib import admin

from channels.models import Attachment, Channel, DeliveryAttempt, InboundEvent


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "service_level",
        "health",
        "last_success_at",
        "next_poll_at",
        "consecutive_failures",
        "last_error",
        "disabled_reason",
    ]
    list_filter = ["kind", "service_level", "is_active"]
    # Credentials are set with `manage.py channel`, never shown back.
    exclude = ["credentials"]
    readonly_fields = [
        "webhook_token",
        "last_success_at",
        "last_error",
        "last_error_at",
        "last_polled_at",
        "consecutive_failures",
        "poll_lease_until",
        "poll_lease_token",
    ]


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    list_display = ["pk", "channel", "source", "state", "attempts", "received_at", "last_error"]
    list_filter = ["state", "source", "channel"]
    readonly_fields = [f.name for f in InboundEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["pk", "name", "content_type", "size", "message", "created_at"]
    readonly_fields = [f.name for f in Attachment._meta.fields]


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(admin.ModelAdmin):
    list_display = ["pk", "message", "started_at", "finished_at", "outcome", "error"]
    list_filter = ["outcome"]
    readonly_fields = [f.name for f in DeliveryAttempt._meta.fields]

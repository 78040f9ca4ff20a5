from django.contrib import admin

from channels.models import Channel, InboundEvent


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "service_level", "is_active", "last_success_at", "last_error"]
    list_filter = ["kind", "service_level", "is_active"]
    # Credentials are set with `manage.py channel`, never shown back.
    exclude = ["credentials"]
    readonly_fields = ["webhook_token", "last_success_at", "last_error", "last_error_at"]


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    list_display = ["pk", "channel", "source", "state", "attempts", "received_at", "last_error"]
    list_filter = ["state", "source", "channel"]
    readonly_fields = [f.name for f in InboundEvent._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

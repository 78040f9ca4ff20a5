from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from desk.privacy.models import (
    AuditEntry,
    ChannelNoticeConfig,
    ConversationNotice,
    DataSubjectRequest,
    LegalHold,
    RetentionNotice,
)
from desk.privacy.services.notices import record_configured, record_published


@admin.register(RetentionNotice)
class RetentionNoticeAdmin(admin.ModelAdmin):
    list_display = ["language", "version", "retention_days", "published_at"]
    list_filter = ["language"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A version someone was given is a record: publish a new version instead.
        if obj is not None and obj.is_used():
            return [field.name for field in obj._meta.fields]
        return []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.is_used()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_published(obj, actor=request.user)


@admin.register(ChannelNoticeConfig)
class ChannelNoticeConfigAdmin(admin.ModelAdmin):
    list_display = ["channel", "method", "default_language"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_configured(obj, actor=request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConversationNotice)
class ConversationNoticeAdmin(ReadOnlyAdmin):
    list_display = ["conversation", "notice", "language", "channel", "method", "given_at"]
    list_filter = ["method", "language"]


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "via", "fulfilled_by_name", "fulfilled_at"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "target_type", "target_id", "summary"]
    list_filter = ["action"]
    search_fields = ["actor_name", "target_id", "summary"]


@admin.register(LegalHold)
class LegalHoldAdmin(ReadOnlyAdmin):
    list_display = ["pk", "contact", "conversation", "created_at", "released_at"]

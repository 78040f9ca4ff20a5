from django.contrib import admin

from desk.models import ApiClient, Inquiry


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "token_prefix", "scopes", "created_at", "revoked_at"]
    readonly_fields = ["token_prefix", "token_digest"]


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ["id", "client", "external_id", "created_at"]
    raw_id_fields = ["message", "ticket"]

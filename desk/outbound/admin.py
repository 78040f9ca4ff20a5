from django.contrib import admin

from desk.outbound.models import ConfidentialTerm, ReplyApproval


@admin.register(ConfidentialTerm)
class ConfidentialTermAdmin(admin.ModelAdmin):
    list_display = ["term", "reason", "created_at"]
    search_fields = ["term"]


@admin.register(ReplyApproval)
class ReplyApprovalAdmin(admin.ModelAdmin):
    list_display = ["ticket", "drafted_by", "state", "decided_by", "created_at"]
    list_filter = ["state"]
    raw_id_fields = ["ticket", "message"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

from django.contrib import admin

from desk.triage.models import CannedReply, SavedView


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "queue", "language", "is_active"]
    list_filter = ["queue", "language", "is_active"]
    search_fields = ["title", "text"]


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "position"]

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from desk.sla.models import Calendar, CalendarDay, SlaEvent, SlaPolicy, SlaTarget
from desk.sla.services import calendar_changed, policy_changed


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 1


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone", "holiday_country", "holiday_subdivision", "updated_at"]
    readonly_fields = ["version"]
    inlines = [CalendarDayInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # After the inline days are saved, so the recompute sees the new holiday.
        super().save_related(request, form, formsets, change)
        calendar_changed(calendar=form.instance)


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "calendar",
        "queue",
        "channel",
        "first_response_minutes",
        "next_response_minutes",
        "follow_up_minutes",
        "resolution_minutes",
        "is_active",
    ]
    list_filter = ["is_active", "calendar"]
    raw_id_fields = ["escalate_to"]
    inlines = [SlaTargetInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        policy_changed(policy=form.instance)


@admin.register(SlaEvent)
class SlaEventAdmin(admin.ModelAdmin):
    list_display = ["ticket", "target", "round", "kind", "due_at", "created_at"]
    list_filter = ["target", "kind"]
    raw_id_fields = ["ticket"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

from django.contrib import admin

from desk.classification.models import (
    ClassifierVersion,
    ContactBadge,
    Incident,
    ReplyTemplate,
    RoutingRule,
    TrainingExample,
)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "label", "queue", "is_active"]
    ordering = ["position"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "language"]


@admin.register(TrainingExample)
class TrainingExampleAdmin(admin.ModelAdmin):
    list_display = ["text", "language", "sentiment", "updated_at"]
    raw_id_fields = ["ticket"]


@admin.register(ClassifierVersion)
class ClassifierVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "is_active", "trained_at", "example_count", "correction_count"]
    exclude = ["artifact"]
    readonly_fields = ["checksum", "metrics"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["scope_label", "status", "opened_at"]


@admin.register(ContactBadge)
class ContactBadgeAdmin(admin.ModelAdmin):
    list_display = ["contact", "kind", "status", "created_at"]
    raw_id_fields = ["contact"]

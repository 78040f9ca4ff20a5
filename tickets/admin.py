from django.contrib import admin

from tickets.hooks import priority_changing
from tickets.models import Contact, Conversation, Identity, Message, Queue, Ticket, TicketEvent


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]


class IdentityInline(admin.TabularInline):
    model = Identity
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["display_name", "primary_email", "created_at"]
    search_fields = ["display_name", "primary_email", "identities__handle"]
    inlines = [IdentityInline]


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ["display_name", "handle", "kind", "email"]
    list_filter = ["kind"]
    search_fields = ["handle", "display_name", "email", "external_id"]
    raw_id_fields = ["contact"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["subject", "channel", "contact", "last_activity_at"]
    list_filter = ["channel"]
    raw_id_fields = ["contact"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["platform_id", "direction", "channel", "created_at", "delivery_state"]
    list_filter = ["direction", "channel", "delivery_state"]
    search_fields = ["platform_id", "text"]
    raw_id_fields = ["conversation", "parent", "author_identity", "inbound_event"]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "old_value", "new_value", "note", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


SLA_FIELDS = [
    "sla_policy",
    "first_response_due_at",
    "first_responded_at",
    "next_response_started_at",
    "next_response_due_at",
    "resolution_due_at",
    "resolved_at",
    "sla_round",
    "sla_paused_at",
    "sla_paused_seconds",
    "response_paused_seconds",
    "first_response_seconds",
    "first_response_breached",
    "next_response_breached",
    "resolution_breached",
    "sla_breached_at",
    "next_sla_event_at",
    "sla_due_at",
    "sla_warning_at",
]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["pk", "subject", "queue", "status", "priority", "first_response_due_at"]
    list_filter = ["status", "queue", "channel", "priority"]
    search_fields = ["subject"]
    raw_id_fields = ["conversation", "contact", "assignee"]
    # Status moves only through Ticket.set_status, which audits them; the SLA clocks only
    # through the SLA engine (desk.sla), which keeps what badges and filters read consistent.
    readonly_fields = ["status", *SLA_FIELDS]
    inlines = [TicketEventInline]

    def save_model(self, request, obj, form, change) -> None:
        if change and "priority" in form.changed_data:
            priority_changing(obj)
        super().save_model(request, obj, form, change)


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "old_value", "new_value", "actor", "created_at"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

from django.contrib import admin

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

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["pk", "subject", "queue", "status", "priority", "first_response_due_at"]
    list_filter = ["status", "queue", "channel", "priority"]
    search_fields = ["subject"]
    raw_id_fields = ["conversation", "contact", "assignee"]
    # Status moves only through Ticket.set_status, which audits them.
    readonly_fields = ["status"]
    inlines = [TicketEventInline]


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "old_value", "new_value", "actor", "created_at"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

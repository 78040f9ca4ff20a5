from django.urls import path

from desk.triage.views import approvals, compose, inbox, preferences, ticket

urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("inbox/new/", inbox.inbox_new, name="inbox-new"),
    path("inbox/bulk/", inbox.inbox_bulk, name="inbox-bulk"),
    path("inbox/views/", inbox.save_view, name="inbox-save-view"),
    path("inbox/views/<int:pk>/delete/", inbox.delete_view, name="inbox-delete-view"),
    path("tickets/<int:pk>/", ticket.ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/reply/", compose.ticket_reply, name="ticket-reply"),
    path("tickets/<int:pk>/note/", ticket.ticket_note, name="ticket-note"),
    path("tickets/<int:pk>/action/", ticket.ticket_action, name="ticket-action"),
    path("tickets/<int:pk>/presence/", ticket.ticket_presence, name="ticket-presence"),
    path(
        "tickets/<int:pk>/replies/<int:message_pk>/delivery/",
        ticket.message_delivery,
        name="message-delivery",
    ),
    path(
        "tickets/<int:pk>/replies/<int:message_pk>/retry/",
        ticket.message_retry,
        name="message-retry",
    ),
    path("approvals/", approvals.approval_queue, name="approval-queue"),
    path("approvals/<int:pk>/", approvals.approval_decide, name="approval-decide"),
    path("preferences/", preferences.preferences, name="preferences"),
]

from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from desk.access import public
from desk.triage.views import (
    approvals,
    attachments,
    compose,
    contacts,
    inbox,
    platforms,
    preferences,
    ticket,
)

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
    path("contacts/", contacts.contact_list, name="contact-list"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact-detail"),
    path("contacts/<int:pk>/merge/", contacts.contact_merge, name="contact-merge"),
    path("contacts/merges/<int:pk>/split/", contacts.contact_split, name="contact-split"),
    path(
        "tickets/<int:pk>/replies/<int:message_pk>/retry/",
        ticket.message_retry,
        name="message-retry",
    ),
    path("approvals/", approvals.approval_queue, name="approval-queue"),
    path("approvals/<int:pk>/", approvals.approval_decide, name="approval-decide"),
    path("preferences/", preferences.preferences, name="preferences"),
    path(
        "tickets/<int:pk>/messages/<int:message_pk>/hide/",
        platforms.message_hide,
        name="message-hide",
    ),
    path(
        "tickets/<int:pk>/messages/<int:message_pk>/private-reply/",
        platforms.message_private_reply,
        name="message-private-reply",
    ),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment-download"),
    path("channels/", platforms.channel_health, name="channel-health"),
    path("channels/<int:pk>/", platforms.channel_health_detail, name="channel-health-detail"),
    # Texts of the desk's JavaScript, in the user's language (djangojs catalogue).
    path("jsi18n/", public(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path(
        "favicon.ico",
        public(RedirectView.as_view(url=static("desk/favicon.svg"), permanent=True)),
        name="favicon",
    ),
]

"""Translated names for values the spine stores in English (statuses, priorities, ...)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from desk.classification.labels import SENTIMENT_NAMES as SENTIMENT_NAMES
from desk.sla.selectors import SLA_LABELS as SLA_LABELS
from desk.sla.selectors import TARGET_LABELS as TARGET_LABELS
from tickets.models import Ticket

STATUS_LABELS = {
    "new": pgettext_lazy("ticket status", "New"),
    "open": pgettext_lazy("ticket status", "Open"),
    "pending": _("Waiting on customer"),
    "resolved": _("Resolved"),
    "closed": _("Closed"),
    "ignored": _("Netiquette violation"),
}
# The ticket model names its priorities; the pages read them from there.
PRIORITY_LABELS = {priority.value: priority.label for priority in Ticket.Priority}
VOICE_LABELS = {"company": _("Company voice"), "personal": _("Personal opinion")}
DELIVERY_LABELS = {
    "received": _("Received"),
    "queued": _("Queued"),
    "sent": _("Sent"),
    "failed": _("Failed"),
}
# Each desk language by its own name (settings.LANGUAGES): a reader looks for theirs.
LANGUAGE_NAMES = dict(settings.LANGUAGES)
EVENT_LABELS = {
    "created": _("created"),
    "status": _("status"),
    "assignee": _("assigned"),
    "queue": _("moved to queue"),
    "priority": _("priority"),
    "tag": _("tagged"),
    "note": _("internal note"),
    "reply": _("reply"),
    "holding_reply": _("holding reply"),
    "flagged": _("flagged to communications"),
    "approval_requested": _("approval requested"),
    "approval_granted": _("approved"),
    "approval_rejected": _("approval rejected"),
    "reply_retry": _("delivery retried"),
    "holding_reply_refused": _("holding reply held back"),
    "private_reply_refused": _("private reply refused"),
    "hide_comment_refused": _("hiding refused"),
    "receipt_sent": _("receipt sent"),
    "receipt_refused": _("receipt held back"),
    "message_edited": _("edited on the platform"),
    "message_removed": _("removed on the platform"),
    "sla_warning": _("SLA warning"),
    "sla_breach": _("SLA breached"),
    "rerouted": _("rerouted"),
    "relabelled": _("labels corrected"),
    "sentiment": _("sentiment corrected"),
    "contact": _("contact changed"),
}
# Names of the built-in saved views (stored in English, shown translated).
BUILTIN_VIEW_NAMES = [_("My open"), _("Unassigned technical"), _("At risk")]

"""A ticket's audit trail in the reader's language.

An event stores codes (a status, a priority number, a queue's slug, an SLA target) and, when
the desk wrote its note, an English message marked for translation where it was written. Both
are worded here for whoever reads the trail. A note staff typed, a name or an address is
shown as it was written, isolated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from desk.triage import labels
from tickets.text import reworded

register = template.Library()

# Kinds whose values are row ids (a message, an approval): nothing a reader can use.
_IDS_ONLY = frozenset(
    {
        "reply",
        "holding_reply",
        "reply_retry",
        "approval_requested",
        "approval_granted",
        "approval_rejected",
        "message_edited",
        "message_removed",
    }
)
_QUEUE_KINDS = frozenset({"created", "queue", "rerouted"})
_SLA_KINDS = frozenset({"sla_warning", "sla_breach"})
_NOTHING = SafeString("")


@register.simple_tag(takes_context=True)
def audit_change(context: Any, event: Any) -> SafeString:
    """The event's change as "old → new" in the reader's language, or nothing."""
    if event.kind in _IDS_ONLY or not (event.old_value or event.new_value):
        return _NOTHING
    word = _wording(context, event.kind)
    old, new = word(event.old_value), word(event.new_value)
    return format_html(" {} → {}", old, new) if old else format_html(" → {}", new)


@register.filter
def audit_note(note: str) -> SafeString:
    """The desk's own notes in the reader's language; anything else as written, isolated."""
    return format_html(" · <bdi>{}</bdi>", reworded(note)) if note else _NOTHING


def _wording(context: Any, kind: str) -> Callable[[str], SafeString]:
    if kind == "status":
        return _named(labels.STATUS_LABELS)
    if kind == "priority":
        return _named({str(number): name for number, name in labels.PRIORITY_LABELS.items()})
    if kind == "sentiment":
        return _named(labels.SENTIMENT_NAMES)
    if kind in _SLA_KINDS:
        return _named(labels.TARGET_LABELS)
    if kind in _QUEUE_KINDS:
        return _named(_queue_names(context))
    return _isolated


def _queue_names(context: Any) -> dict[str, str]:
    """Slug -> name, once per page: the page lists the queues for its move form already. A
    queue gone since keeps its slug."""
    names = context.render_context.get("audit_queue_names")
    if names is None:
        names = {queue.slug: queue.name for queue in context.get("queues", ())}
        context.render_context["audit_queue_names"] = names
    return names


def _named(names: dict[str, Any]) -> Callable[[str], SafeString]:
    def word(value: str) -> SafeString:
        if value in names:
            return format_html("{}", names[value])
        return _isolated(value)

    return word


def _isolated(value: str) -> SafeString:
    return format_html("<bdi>{}</bdi>", value) if value else _NOTHING

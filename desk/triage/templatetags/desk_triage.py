from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from desk.triage import labels
from desk.triage.sla_state import SlaState, sla_state, time_left

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    return str(labels.STATUS_LABELS.get(value, value))


@register.filter
def priority_label(value: int) -> str:
    return str(labels.PRIORITY_LABELS.get(value, value))


@register.filter
def sentiment_label(value: str) -> str:
    return str(labels.SENTIMENT_LABELS.get(value, value))


@register.filter
def voice_label(value: str) -> str:
    return str(labels.VOICE_LABELS.get(value, value))


@register.filter
def delivery_label(value: str) -> str:
    return str(labels.DELIVERY_LABELS.get(value, value))


@register.filter
def event_label(value: str) -> str:
    return str(labels.EVENT_LABELS.get(value, value))


@register.filter
def sla_label(value: str) -> str:
    return str(labels.SLA_LABELS.get(SlaState(value), value)) if value else ""


@register.filter
def translated(value: Any) -> str:
    return _(str(value)) if value else ""


def duration_text(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days} + (
            " " + ngettext("%(n)d h", "%(n)d h", hours) % {"n": hours} if hours else ""
        )
    if hours:
        return (
            ngettext("%(n)d h", "%(n)d h", hours) % {"n": hours}
            + " "
            + (ngettext("%(n)d min", "%(n)d min", minutes) % {"n": minutes})
        )
    return ngettext("%(n)d min", "%(n)d min", minutes) % {"n": minutes}


@register.inclusion_tag("desk/_sla_badge.html")
def sla_badge(ticket: Any, now: datetime | None = None) -> dict[str, Any]:
    return badge(ticket, now)


def badge(ticket: Any, now: datetime | None = None) -> dict[str, Any]:
    """What the SLA badge shows: state, its label, and the time left or overdue."""
    now = now or timezone.now()
    state = sla_state(ticket, now=now)
    left = time_left(ticket, now=now)
    detail = ""
    if left is not None and state in (SlaState.ON_TRACK, SlaState.AT_RISK):
        detail = _("%(time)s left") % {"time": duration_text(left)}
    elif left is not None and state == SlaState.BREACHED:
        detail = _("%(time)s overdue") % {"time": duration_text(left)}
    return {
        "state": state.value,
        "label": labels.SLA_LABELS[state],
        "detail": detail,
        "due": ticket.first_response_due_at,
    }


@register.filter
def http_url(value: str) -> str:
    """The URL if it is http(s), else "": links from platforms never run script."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key)

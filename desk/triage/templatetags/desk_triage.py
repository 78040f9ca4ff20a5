from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from channels.registry import ADAPTERS, adapter_class
from desk.classification.language import language_name
from desk.sla.selectors import SlaState, SlaStatus, sla_status
from desk.triage import labels
from tickets.text import reworded

register = template.Library()


@register.filter
def grouped(number: int) -> str:
    """A count with the reader's digit grouping ("10.000", "10 000"), which Django's own number
    localisation leaves out unless every number on every page has it."""
    return formats.number_format(number, force_grouping=True)


@register.filter
def language_label(code: str) -> str:
    """A detected or declared language by its own name ("Deutsch (de)"), as the filters list
    the desk's languages; a language Django does not know keeps its code."""
    return language_name(code) if code else "–"


# An account's platform where the channel kind's name would not do: a Meta channel's
# accounts are Facebook's; Instagram's are their own.
_ACCOUNT_PLATFORMS = {"meta": "Facebook", "instagram": "Instagram"}


@register.filter
def account_platform(kind: str) -> str:
    """The platform an account is on, by the name its channels have ("X (Twitter)",
    "E-Mail"), where pages showed the code ("x", "email")."""
    if kind in _ACCOUNT_PLATFORMS:
        return _ACCOUNT_PLATFORMS[kind]
    if kind in ADAPTERS:
        return str(adapter_class(kind).label)
    return kind


@register.filter
def status_label(value: str) -> str:
    return str(labels.STATUS_LABELS.get(value, value))


@register.filter
def priority_label(value: int) -> str:
    return str(labels.PRIORITY_LABELS.get(value, value))


@register.filter
def sentiment_label(value: str) -> str:
    return str(labels.SENTIMENT_NAMES.get(value, value))


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
def translated(value: Any) -> str:
    """One of our messages a record kept in English (a draft's reason), in the reader's
    language."""
    return reworded(str(value)) if value else ""


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


def business_time_text(delta: timedelta, *, short: bool = False) -> str:
    """Business time as people count it: whole business hours, minutes under an hour.
    `short`, for a narrow column: "136 h", "45 min" (a tooltip says business)."""
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes < 60:
        if short:
            return ngettext("%(n)d min", "%(n)d min", minutes) % {"n": minutes}
        return ngettext("%(n)d business min", "%(n)d business min", minutes) % {"n": minutes}
    hours = minutes // 60
    if short:
        return ngettext("%(n)d h", "%(n)d h", hours) % {"n": hours}
    return ngettext("%(n)d business h", "%(n)d business h", hours) % {"n": hours}


def badge(ticket: Any, now: datetime | None = None) -> dict[str, Any]:
    """What the SLA badge shows: the SLA engine's state, its label, the business time left
    (or overdue) and which clock is due when. Rows from `with_sla` cost no query."""
    return badge_of(sla_status(ticket, now=now or timezone.now()), now=now)


def badge_of(status: SlaStatus, *, now: datetime | None = None) -> dict[str, Any]:
    """The state, the business time left or overdue ("6 business h left", "overdue by 3
    business h"; in short for the inbox rows, "6 h"), and for the tooltip the due instant and
    the wall-clock time to it."""
    left = status.business_time_left
    detail = short = ""
    if left is not None and status.state in (SlaState.ON_TRACK, SlaState.AT_RISK):
        detail = _("%(time)s left") % {"time": business_time_text(left)}
    elif left is not None and status.state == SlaState.BREACHED:
        if abs(left) < timedelta(minutes=1) and status.due_at is not None:
            # Overdue after hours: the business clock stands still until the office opens, so
            # "overdue by 0 business min" would read as no delay at all. The due time says it:
            # the full badge shows it anyway, the row's short form names it.
            since = _due_moment(status.due_at, now or timezone.now())
            short = _("since %(when)s") % {"when": since}
        else:
            detail = _("overdue by %(time)s") % {"time": business_time_text(left)}
    if detail and left is not None and not short:
        short = business_time_text(left, short=True)
    wall = ""
    if status.due_at is not None:
        wall_left = status.due_at - (now or timezone.now())
        template = (
            _("%(time)s left on the clock")
            if wall_left >= timedelta(0)
            else _("%(time)s ago on the clock")
        )
        wall = template % {"time": duration_text(wall_left)}
    return {
        "state": status.state.value,
        "label": status.state.label,
        "detail": detail,
        "short": short,
        "due": status.due_at,
        "wall": wall,
        "target": str(labels.TARGET_LABELS.get(status.target, "")),
    }


def _due_moment(due: datetime, now: datetime) -> str:
    """The due time in the reader's format: its time of day if due today, else date and time."""
    local = timezone.localtime(due)
    if local.date() == timezone.localtime(now).date():
        return formats.time_format(local, "TIME_FORMAT")
    return formats.date_format(local, "SHORT_DATETIME_FORMAT")


@register.filter
def http_url(value: str) -> str:
    """The URL if it is http(s), else "": links from platforms never run script."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key)


AVATAR_COLOURS = 8


@register.filter
def initials(name: Any) -> str:
    """Up to two letters standing for a person: "Ann Example" -> "AE", "@ann" -> "A"."""
    words = [w.lstrip("@#") for w in str(name or "").split()]
    return "".join(w[0] for w in words[:2] if w and w[0].isalnum()).upper() or "?"


@register.filter
def avatar_colour(name: Any) -> int:
    """A stable colour class (0-7) per name, the same on every page and every day."""
    return sum(str(name or "").encode()) % AVATAR_COLOURS


CHANNEL_GLYPHS = {
    "x": "X", "meta": "f", "facebook": "f", "instagram": "IG", "threads": "@", "linkedin": "in",
    "bluesky": "bs", "youtube": "▶", "mastodon": "M", "email": "✉", "webform": "F",
    "webhook": "↯", "api": "{}",
}  # fmt: skip


@register.filter
def channel_glyph(kind: str) -> str:
    """The letter badge of a platform; its name is in the badge's label."""
    return CHANNEL_GLYPHS.get(kind, (kind or "?")[:1].upper())

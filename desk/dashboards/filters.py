"""The dashboard's filters: parsed from GET parameters, so every view is a shareable URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from desk.dashboards.rollups import day_span
from tickets.models import Queue

MAX_DAYS = 731
DEFAULT_PRESET = "30d"
PRESETS: dict[str, str | Promise] = {
    "7d": _("Last 7 days"),
    "30d": _("Last 30 days"),
    "90d": _("Last 90 days"),
    "this_week": _("This week"),
    "last_week": _("Last week"),
    "this_month": _("This month"),
    "last_month": _("Last month"),
}
# "agent=none" selects unassigned tickets; the rollups key them as agent 0.
UNASSIGNED = 0
# "language=none" selects tickets and mentions whose language is unknown.
NO_LANGUAGE = "none"


class BadFilter(ValueError):
    """A filter value we cannot use; the message tells the user which and why."""


@dataclass(frozen=True)
class Filters:
    first: date
    last: date
    preset: str = ""
    channel: int | None = None
    queue: int | None = None
    agent: int | None = None
    language: str | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def params(self, **overrides: Any) -> dict[str, str]:
        """GET parameters for these filters; a preset is kept as such, so a shared link of
        "last 7 days" stays relative."""
        filters = replace(self, **overrides) if overrides else self
        params: dict[str, str] = {}
        if filters.preset:
            params["preset"] = filters.preset
        else:
            params["from"] = filters.first.isoformat()
            params["to"] = filters.last.isoformat()
        for name in ("channel", "queue"):
            value = getattr(filters, name)
            if value is not None:
                params[name] = str(value)
        if filters.language is not None:
            params["language"] = filters.language or NO_LANGUAGE
        if filters.agent is not None:
            params["agent"] = "none" if filters.agent == UNASSIGNED else str(filters.agent)
        return params

    def query(self, **overrides: Any) -> str:
        return urlencode(self.params(**overrides))

    @property
    def keys(self) -> tuple[str, ...]:
        """The names of the key filters set (channel, queue, agent, language)."""
        return tuple(
            name
            for name in ("channel", "queue", "agent", "language")
            if getattr(self, name) is not None
        )

    def narrowed(self, first: date, last: date) -> Filters:
        """The same filters over a part of the range (a week, a day), never outside it."""
        return replace(self, first=max(first, self.first), last=min(last, self.last), preset="")

    # -- as predicates ------------------------------------------------------------------------

    def tickets(self) -> Q:
        """Tickets created in the range and matching the other filters."""
        start, end = day_span(self.first, self.last)
        q = Q(created_at__gte=start, created_at__lt=end)
        return q & self.ticket_keys()

    def ticket_keys(self) -> Q:
        q = Q()
        if self.channel is not None:
            q &= Q(channel_id=self.channel)
        if self.queue is not None:
            q &= Q(queue_id=self.queue)
        if self.agent is not None:
            q &= Q(assignee__isnull=True) if self.agent == UNASSIGNED else Q(assignee_id=self.agent)
        if self.language is not None:
            q &= Q(language=self.language)
        return q

    def rollup(self, *, with_agent: bool) -> Q:
        q = Q(day__gte=self.first, day__lte=self.last)
        if self.channel is not None:
            q &= Q(channel_id=self.channel)
        if self.queue is not None:
            q &= Q(queue_id=self.queue)
        if self.language is not None:
            q &= Q(language=self.language)
        if with_agent and self.agent is not None:
            q &= Q(agent_id=self.agent)
        return q

    def mentions(self) -> Q:
        """Mention rollup rows: queue and agent do not apply to a mention."""
        q = Q(day__gte=self.first, day__lte=self.last)
        if self.channel is not None:
            q &= Q(channel_id=self.channel)
        if self.language is not None:
            q &= Q(language=self.language)
        return q


def preset_range(preset: str, today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    if preset.endswith("d") and preset[:-1].isdigit():
        return today - timedelta(days=int(preset[:-1]) - 1), today
    if preset == "this_week":
        return monday, today
    if preset == "last_week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if preset == "this_month":
        return month_start, today
    if preset == "last_month":
        last = month_start - timedelta(days=1)
        return last.replace(day=1), last
    raise BadFilter(
        _("Unknown preset %(preset)s; use one of %(presets)s.")
        % {"preset": repr(preset), "presets": ", ".join(PRESETS)}
    )


def parse_filters(params: Mapping[str, str], *, today: date) -> Filters:
    """Filters from GET parameters; raises BadFilter with a message for a bad value."""
    preset = params.get("preset", "").strip()
    first_text, last_text = params.get("from", "").strip(), params.get("to", "").strip()
    if preset and preset not in PRESETS:
        raise BadFilter(
            _("Unknown preset %(preset)s; use one of %(presets)s.")
            % {"preset": repr(preset), "presets": ", ".join(PRESETS)}
        )
    if not preset and not first_text and not last_text:
        preset = DEFAULT_PRESET
    if preset:
        first, last = preset_range(preset, today)
    else:
        first = _date(first_text, "from") if first_text else today - timedelta(days=29)
        last = _date(last_text, "to") if last_text else today
    if last < first:
        raise BadFilter(_("The end date ('to') is before the start date ('from')."))
    if (last - first).days + 1 > MAX_DAYS:
        raise BadFilter(_("Choose a range of at most %(days)d days.") % {"days": MAX_DAYS})
    agent_text = params.get("agent", "").strip()
    agent = UNASSIGNED if agent_text == "none" else _id(agent_text, "agent")
    language = params.get("language", "").strip() or None
    if language == NO_LANGUAGE:
        language = ""
    elif language is not None and (len(language) > 8 or not language.replace("-", "").isalnum()):
        raise BadFilter(_("A language is a short code such as 'de' or 'en'."))
    return Filters(
        first=first,
        last=last,
        preset=preset,
        channel=_id(params.get("channel", "").strip(), "channel"),
        queue=_queue(params.get("queue", "").strip()),
        agent=agent,
        language=language,
    )


def _date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadFilter(
            _("'%(name)s' must be a date written YYYY-MM-DD.") % {"name": name}
        ) from None


def _id(text: str, name: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or len(text) > 18:
        raise BadFilter(_("'%(name)s' must be a numeric id.") % {"name": name})
    return int(text)


def _queue(text: str) -> int | None:
    """A queue by id or, as in the inbox's links, by its slug."""
    if not text or text.isdigit():
        return _id(text, "queue")
    pk = Queue.objects.filter(slug=text).values_list("pk", flat=True).first()
    if pk is None:
        raise BadFilter(_("There is no queue called '%(slug)s'.") % {"slug": text[:50]})
    return pk

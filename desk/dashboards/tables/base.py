"""The table shape shared by the page, the CSV exports and the metrics API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from channels.models import Channel
from desk.dashboards.filters import UNASSIGNED, Filters
from desk.dashboards.selectors import counters, live, percentiles, volume
from tickets.models import Queue

DRILL_ONLY = ("hour", "term")


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    # The drill-down predicate (desk.dashboards.drilldown.METRICS) behind this column's numbers.
    metric: str | None = None
    unit: str = ""
    # Drill-down parameters this column adds (a tracked term, say).
    scope: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    key: str
    label: str | Promise
    cells: dict[str, Any]
    # Filter changes that select this row's tickets: a channel, a week, a day.
    scope: dict[str, Any] = field(default_factory=dict)
    # For tables with one figure per row: that figure's drill-down predicate.
    metric: str | None = None


@dataclass(frozen=True)
class Table:
    slug: str
    title: str | Promise
    key_label: str | Promise
    columns: tuple[Column, ...]
    rows: list[Row]
    # How the page draws it: "bar", "line", "stacked" (bars) or "" (table only).
    chart: str = ""
    note: str | Promise = ""
    # Incident markers for a timeline chart: (ISO date, label).
    markers: list[tuple[str, str]] = field(default_factory=list)
    # Columns the chart draws; empty means every column.
    series: tuple[str, ...] = ()

    @property
    def charted(self) -> tuple[str, ...]:
        return self.series or tuple(column.key for column in self.columns)

    def link(self, context: Context, row: Row, column: Column) -> str | None:
        metric = row.metric or column.metric
        if metric is None:
            return None
        return context.drill_url(metric, **row.scope, **column.scope)


class Context:
    """What the tables of one request share: filters, the time, names, computed figures."""

    def __init__(self, filters: Filters, *, now: datetime) -> None:
        self.filters = filters
        self.now = now
        self._prefixes: dict[tuple[tuple[str, str], ...], str] = {}

    def drill_url(self, metric: str, **scope: Any) -> str:
        return f"{self.drill_prefix(scope)}&metric={metric}"

    def drill_prefix(self, scope: dict[str, Any]) -> str:
        """The drill-down address of a scope, without its metric; cached, since every
        number of a row shares it."""
        key = tuple(sorted((name, str(value)) for name, value in scope.items()))
        found = self._prefixes.get(key)
        if found is None:
            found = self._prefixes[key] = self._prefix(dict(scope))
        return found

    def _prefix(self, scope: dict[str, Any]) -> str:
        filters = self.filters
        first, last = scope.pop("first", filters.first), scope.pop("last", filters.last)
        # Hour of day and tracked term narrow mentions only; they are not dashboard filters.
        extra = {name: scope.pop(name) for name in DRILL_ONLY if name in scope}
        params = replace(filters.narrowed(first, last), **scope).params()
        params.update({name: str(value) for name, value in extra.items()})
        return f"{self.drill_base}?{urlencode(params)}"

    @cached_property
    def drill_base(self) -> str:
        return reverse("dashboard-drilldown")

    @cached_property
    def totals(self) -> counters.Counts:
        return counters.totals(self.filters)

    @cached_property
    def percentiles(self) -> percentiles.Percentiles:
        return percentiles.response_percentiles(self.filters)

    @cached_property
    def live(self) -> live.LiveFigures:
        return live.live_figures(self.filters, now=self.now)

    @cached_property
    def by_day(self) -> list[tuple[date, counters.Counts]]:
        return counters.grouped(self.filters, "day")

    @cached_property
    def mentions(self) -> list[tuple[tuple[Any, ...], int]]:
        return volume.mentions_by_day_channel_language(self.filters)

    @cached_property
    def monitored_mentions(self) -> int:
        monitored = {pk for pk, c in self.channels.items() if not c.is_served}
        return sum(n for (_day, pk, _lang), n in self.mentions if pk in monitored)

    @cached_property
    def channels(self) -> dict[int, Channel]:
        # Only the columns shown: loading a channel's credentials would decrypt them.
        return {channel.pk: channel for channel in Channel.objects.only("name", "service_level")}

    @cached_property
    def queues(self) -> dict[int, str]:
        return dict(Queue.objects.values_list("pk", "name"))

    @cached_property
    def agents(self) -> dict[int, str | Promise]:
        names: dict[int, str | Promise] = dict(
            get_user_model().objects.values_list("pk", "username")
        )
        names[UNASSIGNED] = _("Unassigned")
        return names

    def channel_name(self, pk: int) -> str:
        channel = self.channels.get(pk)
        return channel.name if channel else _("Channel %(id)s") % {"id": pk}


Builder = Callable[[Context], Table]
_REGISTRY: dict[str, Builder] = {}


def register(slug: str) -> Callable[[Builder], Builder]:
    def add(builder: Builder) -> Builder:
        _REGISTRY[slug] = builder
        return builder

    return add


def table_slugs() -> list[str]:
    return list(_REGISTRY)


def build(slug: str, context: Context) -> Table:
    return _REGISTRY[slug](context)


def day_label(day: date) -> str:
    """A day as a row or an axis names it, in the reader's words: "Fri 20 Nov", "ven. 20 nov."."""
    return formats.date_format(day, "D j M")


def week_label(monday: date) -> str:
    """An ISO week and the day it starts: "2026-W48 (23 Nov)"."""
    return f"{monday:%G-W%V} ({formats.date_format(monday, 'j M')})"


def moment_label(moment: datetime) -> str:
    """A moment in the desk's time zone: "20 Nov 14:05"."""
    return formats.date_format(timezone.localtime(moment), "j M H:i")


def language_label(code: str) -> str | Promise:
    """A language as a row names it: a desk language by its own name, another by its code."""
    if not code:
        return _("unknown")
    return dict(settings.LANGUAGES).get(code, code)

"""Volume and mood: mentions per channel, day, hour and language; sentiment of new tickets;
tracked terms; incidents on the timeline."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from desk.dashboards import integrations
from desk.dashboards.selectors.volume import fold, mentions_by, mentions_by_day_and_channel
from desk.dashboards.tables.base import (
    Column,
    Context,
    Row,
    Table,
    day_label,
    language_label,
    moment_label,
    register,
)

MENTIONS_NOTE = _("Mentions are inbound messages; queue and agent filters do not apply to them.")


def _days(context: Context) -> list[date]:
    first, last = context.filters.first, context.filters.last
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@register("mentions_by_day")
def mentions_by_day(context: Context) -> Table:
    per_day = mentions_by_day_and_channel(context.mentions)
    channel_ids = sorted({pk for counts in per_day.values() for pk in counts})
    columns = (
        *(Column(f"channel_{pk}", context.channel_name(pk), "mentions") for pk in channel_ids),
        Column("total", _("All channels"), "mentions"),
    )
    rows = []
    for day in _days(context):
        counts = per_day.get(day, {})
        cells: dict[str, int] = {f"channel_{pk}": counts.get(pk, 0) for pk in channel_ids}
        cells["total"] = sum(counts.values())
        rows.append(Row(day.isoformat(), day_label(day), cells, {"first": day, "last": day}))
    markers = [
        (timezone.localtime(marker.opened_at).date().isoformat(), marker.label)
        for marker in integrations.incident_markers(context.filters)
    ]
    return Table(
        slug="mentions_by_day",
        title=_("Mentions per day and channel"),
        key_label=_("Day"),
        columns=columns,
        rows=rows,
        chart="stacked",
        note=MENTIONS_NOTE,
        markers=markers,
        series=tuple(f"channel_{pk}" for pk in channel_ids),
    )


@register("mentions_by_channel")
def mentions_by_channel(context: Context) -> Table:
    rows = []
    for channel_id, count in sorted(fold(context.mentions, 1).items()):
        channel = context.channels.get(channel_id)
        level = channel.get_service_level_display() if channel else ""
        rows.append(
            Row(
                str(channel_id),
                context.channel_name(channel_id),
                {"mentions": count, "service_level": level},
                {"channel": channel_id},
            )
        )
    return Table(
        slug="mentions_by_channel",
        title=_("Mentions per channel"),
        key_label=_("Channel"),
        columns=(
            Column("mentions", _("Mentions"), "mentions"),
            Column("service_level", _("Service")),
        ),
        rows=rows,
        chart="bar",
        series=("mentions",),
        note=MENTIONS_NOTE,
    )


@register("mentions_by_hour")
def mentions_by_hour(context: Context) -> Table:
    found = dict(((hour,), count) for (hour,), count in mentions_by(context.filters, "hour"))
    return Table(
        slug="mentions_by_hour",
        title=_("Mentions by hour of the day"),
        key_label=_("Hour"),
        columns=(Column("mentions", _("Mentions"), "mentions"),),
        rows=[
            Row(str(hour), f"{hour:02d}:00", {"mentions": found.get((hour,), 0)}, {"hour": hour})
            for hour in range(24)
        ],
        chart="bar",
        note=MENTIONS_NOTE,
    )


@register("mentions_by_language")
def mentions_by_language(context: Context) -> Table:
    return Table(
        slug="mentions_by_language",
        title=_("Mentions by language"),
        key_label=_("Language"),
        columns=(Column("mentions", _("Mentions"), "mentions"),),
        rows=[
            Row(code or "none", language_label(code), {"mentions": count}, {"language": code})
            for code, count in sorted(fold(context.mentions, 2).items())
        ],
        chart="bar",
        note=MENTIONS_NOTE,
    )


@register("mood_by_day")
def mood_by_day(context: Context) -> Table:
    columns = (
        Column("negative", _("Negative"), "negative"),
        Column("neutral", _("Neutral"), "neutral"),
        Column("positive", _("Positive"), "positive"),
        Column("unknown_sentiment", _("Unknown"), "unknown_sentiment"),
    )
    return Table(
        slug="mood_by_day",
        title=_("Mood of new tickets per day"),
        key_label=_("Day"),
        columns=columns,
        rows=[
            Row(
                day.isoformat(),
                day_label(day),
                {column.key: counts[column.key] for column in columns},
                {"first": day, "last": day},
            )
            for day, counts in context.by_day
        ],
        chart="stacked",
    )


@register("tracked_terms")
def tracked_terms(context: Context) -> Table:
    series = integrations.tracked_term_series(context.filters)
    columns = tuple(
        Column(f"term_{n}", s.term, "mentions", scope={"term": s.term})
        for n, s in enumerate(series)
    )
    rows = []
    if series:
        for day in _days(context):
            cells = {f"term_{n}": s.per_day.get(day, 0) for n, s in enumerate(series)}
            rows.append(Row(day.isoformat(), day_label(day), cells, {"first": day, "last": day}))
    return Table(
        slug="tracked_terms",
        title=_("Tracked hashtags over time"),
        key_label=_("Day"),
        columns=columns,
        rows=rows,
        chart="line",
        note="" if series else _("No tracked-term counts yet (they come with crisis detection)."),
    )


@register("incidents")
def incidents(context: Context) -> Table:
    return Table(
        slug="incidents",
        title=_("Crisis incidents"),
        key_label=_("Opened"),
        columns=(Column("label", _("Where")), Column("closed_at", _("Closed"))),
        rows=[
            Row(
                marker.opened_at.isoformat(),
                moment_label(marker.opened_at),
                {"label": marker.label, "closed_at": marker.closed_at},
                {
                    "first": timezone.localdate(marker.opened_at),
                    "last": timezone.localdate(marker.opened_at),
                },
            )
            for marker in integrations.incident_markers(context.filters)
        ],
        note=_("Incidents are marked on the mentions timeline."),
    )

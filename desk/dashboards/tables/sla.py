"""SLA tables: headline figures, compliance by key, breaches by day, the live backlog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from desk.dashboards.metrics import COUNTER_LABELS
from desk.dashboards.selectors import counters
from desk.dashboards.selectors.counters import Counts
from desk.dashboards.tables.base import (
    Column,
    Context,
    Row,
    Table,
    day_label,
    language_label,
    register,
    week_label,
)

COMPLIANCE_COLUMNS = (
    Column("sla", _("With SLA"), "sla"),
    Column("met", _("Met"), "met"),
    Column("breached", _("Breached"), "breached"),
    Column("waiting", _("Waiting"), "waiting"),
    Column("compliance", _("Compliance"), "decided", "%"),
    Column("mean_business_hours", _("Mean business h"), "responded", "h"),
    Column("mean_wall_hours", _("Mean wall-clock h"), "responded", "h"),
    Column("ignored", _("Netiquette-ignored"), "ignored"),
    Column("reopened", _("Reopened"), "reopened"),
)
COMPLIANCE_NOTE = _(
    "Compliance = met / (met + breached) first responses. Netiquette-ignored tickets are "
    "outside the percentages; tickets still waiting are not decided yet."
)


def compliance_cells(counts: Counts) -> dict[str, Any]:
    return {
        "sla": counts["sla"],
        "met": counts["met"],
        "breached": counts["breached"],
        "waiting": counts["waiting"],
        "compliance": counts.compliance,
        "mean_business_hours": counts.mean_business_hours,
        "mean_wall_hours": counts.mean_wall_hours,
        "ignored": counts["ignored"],
        "reopened": counts["reopened"],
    }


@register("summary")
def summary(context: Context) -> Table:
    totals, pct = context.totals, context.percentiles
    figures: list[tuple[str, str | Promise, Any, str | None, str]] = [
        ("tickets", COUNTER_LABELS["tickets"], totals["tickets"], "tickets", ""),
        ("sla", COUNTER_LABELS["sla"], totals["sla"], "sla", ""),
        ("met", COUNTER_LABELS["met"], totals["met"], "met", ""),
        ("breached", COUNTER_LABELS["breached"], totals["breached"], "breached", ""),
        ("waiting", COUNTER_LABELS["waiting"], totals["waiting"], "waiting", ""),
        ("compliance", _("First-response compliance"), totals.compliance, "decided", "%"),
        (
            "median_business",
            _("Median first response (business h)"),
            pct.hours("business_median"),
            "responded",
            "h",
        ),
        (
            "p90_business",
            _("90th percentile (business h)"),
            pct.hours("business_p90"),
            "responded",
            "h",
        ),
        (
            "median_wall",
            _("Median first response (wall-clock h)"),
            pct.hours("wall_median"),
            "responded",
            "h",
        ),
        (
            "p90_wall",
            _("90th percentile (wall-clock h)"),
            pct.hours("wall_p90"),
            "responded",
            "h",
        ),
        ("ignored", _("Netiquette-ignored (not in %)"), totals["ignored"], "ignored", ""),
        (
            "monitored",
            _("Monitored-only mentions (not in %)"),
            context.monitored_mentions,
            "monitored",
            "",
        ),
        ("reopened", COUNTER_LABELS["reopened"], totals["reopened"], "reopened", ""),
    ]
    return Table(
        slug="summary",
        title=_("Service level at a glance"),
        key_label=_("Figure"),
        columns=(Column("value", _("Value")),),
        rows=[
            Row(key, label, {"value": value, "unit": unit}, metric=metric)
            for key, label, value, metric, unit in figures
        ],
        note=COMPLIANCE_NOTE,
    )


def _compliance_table(
    slug: str,
    title: str | Promise,
    key_label: str | Promise,
    rows: list[tuple[Any, Counts]],
    label: Callable[[Any], str | Promise],
    scope: Callable[[Any], dict[str, Any]],
) -> Table:
    return Table(
        slug=slug,
        title=title,
        key_label=key_label,
        columns=COMPLIANCE_COLUMNS,
        rows=[Row(str(key), label(key), compliance_cells(c), scope(key)) for key, c in rows],
        chart="stacked",
        note=COMPLIANCE_NOTE,
        series=("met", "breached", "waiting"),
    )


@register("compliance_by_channel")
def by_channel(context: Context) -> Table:
    return _compliance_table(
        "compliance_by_channel",
        _("First-response compliance by channel"),
        _("Channel"),
        counters.grouped(context.filters, "channel_id"),
        context.channel_name,
        lambda pk: {"channel": pk},
    )


@register("compliance_by_queue")
def by_queue(context: Context) -> Table:
    return _compliance_table(
        "compliance_by_queue",
        _("First-response compliance by queue"),
        _("Queue"),
        counters.grouped(context.filters, "queue_id"),
        lambda pk: context.queues.get(pk, _("Queue %(id)s") % {"id": pk}),
        lambda pk: {"queue": pk},
    )


@register("compliance_by_agent")
def by_agent(context: Context) -> Table:
    return _compliance_table(
        "compliance_by_agent",
        _("First-response compliance by agent (assignee)"),
        _("Agent"),
        counters.grouped(context.filters, "agent_id"),
        lambda pk: context.agents.get(pk, _("User %(id)s") % {"id": pk}),
        lambda pk: {"agent": pk},
    )


@register("compliance_by_week")
def by_week(context: Context) -> Table:
    return _compliance_table(
        "compliance_by_week",
        _("First-response compliance by week"),
        _("Week of"),
        counters.fold_weeks(context.by_day),
        week_label,
        lambda monday: {"first": monday, "last": monday + timedelta(days=6)},
    )


@register("compliance_by_language")
def by_language(context: Context) -> Table:
    return _compliance_table(
        "compliance_by_language",
        _("First-response compliance by language"),
        _("Language"),
        counters.grouped(context.filters, "language"),
        language_label,
        lambda code: {"language": code},
    )


@register("breaches_by_day")
def breaches_by_day(context: Context) -> Table:
    return Table(
        slug="breaches_by_day",
        title=_("Breaches over time (by the day the ticket came in)"),
        key_label=_("Day"),
        columns=(
            Column("breached", _("First response breached"), "breached"),
            Column("any_breached", _("Any SLA breached"), "any_breached"),
            Column("sla", _("With SLA"), "sla"),
        ),
        rows=[
            Row(
                day.isoformat(),
                day_label(day),
                {"breached": c["breached"], "any_breached": c["any_breached"], "sla": c["sla"]},
                {"first": day, "last": day},
            )
            for day, c in context.by_day
        ],
        chart="line",
        series=("breached", "any_breached"),
    )


@register("live")
def live_now(context: Context) -> Table:
    figures = context.live
    rows = [
        ("backlog", _("Open backlog (new, open, waiting on customer)"), figures.backlog),
        ("breached_now", _("Breached now (a running clock is overdue)"), figures.breached_now),
        ("at_risk", _("At risk (inside the warning window)"), figures.at_risk),
        ("running", _("Clock running (new or open)"), figures.running),
        ("paused", _("Paused (waiting on customer)"), figures.paused),
    ]
    return Table(
        slug="live",
        title=_("Right now"),
        key_label=_("Figure"),
        columns=(Column("value", _("Tickets")),),
        rows=[Row(key, label, {"value": value}, metric=key) for key, label, value in rows],
        note=_(
            "Live, for the channel, queue, agent and language chosen; not limited to the "
            "date range."
        ),
    )


@register("backlog_age")
def backlog_age(context: Context) -> Table:
    return Table(
        slug="backlog_age",
        title=_("Backlog by age (business hours since creation)"),
        key_label=_("Age"),
        columns=(Column("tickets", _("Open tickets")),),
        rows=[
            Row(bucket.slug, bucket.label, {"tickets": bucket.tickets}, metric=bucket.slug)
            for bucket in context.live.ages
        ],
        chart="bar",
        note=_("Live. Age counts only the business hours of each ticket's SLA calendar."),
    )

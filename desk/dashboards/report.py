"""The weekly SLA summary e-mailed to managers: last week's figures, as on the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from desk.access import Role
from desk.dashboards.filters import Filters
from desk.dashboards.presentation import text_of
from desk.dashboards.tables import Context, build
from desk.notifications import interface_language, notify


@dataclass(frozen=True)
class WeeklySummary:
    first: date
    last: date
    title: str
    body: str
    url: str


def last_week(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday()) - timedelta(days=7)
    return monday, monday + timedelta(days=6)


def weekly_summary(*, now: datetime) -> WeeklySummary:
    first, last = last_week(timezone.localtime(now).date())
    filters = Filters(first=first, last=last)
    context = Context(filters, now=now)
    summary = build("summary", context)
    channels = build("compliance_by_channel", context)
    queues = build("compliance_by_queue", context)
    figures = {row.key: row.cells["value"] for row in summary.rows}
    compliance = text_of(figures["compliance"], "%")
    body = render_to_string(
        "dashboards/weekly_summary.txt",
        {
            "first": first,
            "last": last,
            "summary": [
                (row.label, text_of(row.cells["value"], row.cells.get("unit", "")))
                for row in summary.rows
            ],
            "channels": _breakdown(channels),
            "queues": _breakdown(queues),
        },
    )
    return WeeklySummary(
        first=first,
        last=last,
        title=_("SLA summary %(week)s: %(compliance)s first responses on time")
        % {"week": f"{first:%G-W%V}", "compliance": compliance},
        body=body,
        url=f"{reverse('dashboard')}?{filters.query()}",
    )


def _breakdown(table: Any) -> list[tuple[str, str, str, str]]:
    return [
        (
            row.label,
            text_of(row.cells["compliance"], "%"),
            text_of(row.cells["met"]),
            text_of(row.cells["breached"]),
        )
        for row in table.rows
    ]


def managers() -> list[Any]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    managers = users.filter(Q(is_superuser=True) | Q(groups__name=Role.MANAGER)).distinct()
    return list(managers.select_related("desk_preference"))


def send_weekly_summary(*, now: datetime | None = None) -> int:
    """E-mail last week's summary to every manager once, each in their own interface language;
    returns how many were notified."""
    by_language: dict[str, list[Any]] = {}
    for user in managers():
        by_language.setdefault(interface_language(user), []).append(user)
    sent = 0
    for language, users in sorted(by_language.items()):
        with translation.override(language):
            summary = weekly_summary(now=now or timezone.now())
            sent += len(
                notify(
                    users=users,
                    kind="sla_weekly_summary",
                    title=summary.title,
                    body=summary.body,
                    url=summary.url,
                    dedupe_key=f"sla-weekly:{summary.first.isoformat()}",
                )
            )
    return sent

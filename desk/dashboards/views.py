"""Manager pages: the dashboard, the tickets behind a number, and their CSV exports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from channels.models import Channel
from desk.access import manager_required
from desk.dashboards import exports
from desk.dashboards.drilldown import (
    MENTIONS,
    mentions_behind,
    metric_named,
    tickets_behind,
)
from desk.dashboards.filters import PRESETS, BadFilter, Filters, parse_filters
from desk.dashboards.freshness import ensure_fresh
from desk.dashboards.presentation import body_html
from desk.dashboards.tables import Context, build, table_slugs
from tickets.models import Queue

PAGE_SIZE = 50
SECTIONS: tuple[tuple[str | Promise, tuple[str, ...]], ...] = (
    (
        _("Service level"),
        (
            "summary",
            "live",
            "compliance_by_week",
            "compliance_by_channel",
            "compliance_by_queue",
            "compliance_by_agent",
            "compliance_by_language",
            "breaches_by_day",
            "backlog_age",
        ),
    ),
    (
        _("Volume and mood"),
        (
            "mentions_by_day",
            "mentions_by_channel",
            "mentions_by_hour",
            "mentions_by_language",
            "mood_by_day",
            "tracked_terms",
            "incidents",
        ),
    ),
)


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"title": _("Bad request"), "message": message}, status=400)


def _filters(request: HttpRequest) -> Filters:
    return parse_filters(request.GET, today=timezone.localdate())


def _choices(filters: Filters) -> dict[str, Any]:
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    return {
        "presets": PRESETS,
        "channels": Channel.objects.order_by("name").values_list("pk", "name"),
        "queues": Queue.objects.order_by("name").values_list("pk", "name"),
        "agents": users.values_list("pk", "username"),
        "languages": [(code, name) for code, name in settings.LANGUAGES],
        "filters": filters,
    }


@manager_required
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        filters = _filters(request)
    except BadFilter as exc:
        return _bad_request(request, str(exc))
    now = timezone.now()
    as_of = ensure_fresh(now=now)
    context = Context(filters, now=now)
    sections = [
        (
            title,
            [(table, body_html(table, context)) for table in (build(s, context) for s in slugs)],
        )
        for title, slugs in SECTIONS
    ]
    return render(
        request,
        "dashboards/dashboard.html",
        {**_choices(filters), "sections": sections, "query": filters.query(), "as_of": as_of},
    )


@manager_required
def table_csv(request: HttpRequest, slug: str) -> HttpResponseBase:
    if slug not in table_slugs():
        raise Http404(_("No such table."))
    try:
        filters = _filters(request)
    except BadFilter as exc:
        return _bad_request(request, str(exc))
    now = timezone.now()
    ensure_fresh(now=now)
    table = build(slug, Context(filters, now=now))
    return exports.table_response(table, filename=f"{slug}_{filters.first}_{filters.last}.csv")


def _behind(request: HttpRequest) -> tuple[Filters, Any, Any]:
    filters = _filters(request)
    metric = metric_named(request.GET.get("metric", "tickets"))
    now = timezone.now()
    ensure_fresh(now=now)
    if metric.kind == MENTIONS:
        return filters, metric, mentions_behind(filters, metric, request.GET, now=now)
    return filters, metric, tickets_behind(filters, metric, now=now)


@manager_required
def drilldown(request: HttpRequest) -> HttpResponse:
    try:
        filters, metric, rows = _behind(request)
        page, next_cursor = _page(rows, request.GET.get("before", ""))
    except BadFilter as exc:
        return _bad_request(request, str(exc))
    is_mentions = metric.kind == MENTIONS
    if is_mentions:
        page_rows = rows.model.objects.filter(pk__in=[m.pk for m in page])
        page = list(
            page_rows.select_related("channel", "author_identity").order_by("-created_at", "-id")
        )
    else:
        page = list(
            rows.model.objects.filter(pk__in=[t.pk for t in page])
            .select_related("channel", "queue", "assignee", "contact")
            .order_by("-created_at", "-id")
        )
    params = request.GET.copy()
    params.pop("before", None)
    return render(
        request,
        "dashboards/drilldown.html",
        {
            **_choices(filters),
            "metric": metric,
            "is_mentions": is_mentions,
            "rows": page,
            "total": rows.count(),
            "next_cursor": next_cursor,
            "query": params.urlencode(),
            "dashboard_query": filters.query(),
        },
    )


@manager_required
def drilldown_csv(request: HttpRequest) -> HttpResponseBase:
    try:
        filters, metric, rows = _behind(request)
    except BadFilter as exc:
        return _bad_request(request, str(exc))
    name = f"{request.GET.get('metric', 'tickets')}_{filters.first}_{filters.last}.csv"
    if metric.kind == MENTIONS:
        return exports.mentions_response(rows, filename=name)
    return exports.tickets_response(rows, filename=name)


def _page(rows: Any, before: str) -> tuple[list[Any], str]:
    """Keyset pages, newest first: "older than this row", so deep pages cost what the first
    does."""
    ordered = rows.order_by("-created_at", "-id")
    if before:
        created, _sep, pk = before.partition("_")
        try:
            cursor_time = datetime.fromisoformat(created)
        except ValueError:
            raise BadFilter(_("The page cursor is not valid.")) from None
        if not pk.isdigit() or cursor_time.tzinfo is None:
            raise BadFilter(_("The page cursor is not valid."))
        ordered = ordered.filter(created_at__lte=cursor_time).exclude(
            created_at=cursor_time, id__gte=int(pk)
        )
    page = list(ordered.only("pk", "created_at")[: PAGE_SIZE + 1])
    if len(page) <= PAGE_SIZE:
        return page, ""
    page = page[:PAGE_SIZE]
    return page, f"{page[-1].created_at.isoformat()}_{page[-1].pk}"

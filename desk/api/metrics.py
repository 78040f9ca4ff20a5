"""The dashboards' figures for BI tools: GET /api/v1/metrics/ and /api/v1/metrics/<table>/.

Managers only, with their browser session (or any session-authenticated HTTP client): the
REST clients' tokens (shops, CRMs) never see company-wide figures.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from desk.access import is_manager
from desk.dashboards.filters import BadFilter, parse_filters
from desk.dashboards.freshness import ensure_fresh
from desk.dashboards.presentation import as_records
from desk.dashboards.tables import Context, build, table_slugs


class IsManager(BasePermission):
    message = gettext_lazy("Metrics are for managers, signed in to socialdesk.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_manager(request.user)


class _MetricsView(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsManager]
    throttle_classes: list[Any] = []


class MetricsIndex(_MetricsView):
    @extend_schema(operation_id="v1_metrics_index", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(
            {
                "tables": [
                    {"slug": slug, "url": request.build_absolute_uri(_url(slug))}
                    for slug in table_slugs()
                ]
            }
        )


class MetricsTable(_MetricsView):
    @extend_schema(operation_id="v1_metrics_table", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, slug: str) -> Response:
        if slug not in table_slugs():
            raise NotFound(
                gettext("No metrics table %(slug)s; GET /api/v1/metrics/ lists them.")
                % {"slug": repr(slug)}
            )
        try:
            filters = parse_filters(request.query_params, today=timezone.localdate())
        except BadFilter as exc:
            raise ValidationError({"filters": [str(exc)]}) from None
        now = timezone.now()
        as_of = ensure_fresh(now=now)
        context = Context(filters, now=now)
        table = build(slug, context)
        return Response(
            {
                "table": table.slug,
                # The figures summed from the rollups take in changes up to this moment.
                "as_of": as_of.isoformat() if as_of else None,
                "title": table.title,
                "filters": {
                    **filters.params(),
                    "from": filters.first.isoformat(),
                    "to": filters.last.isoformat(),
                },
                "key": table.key_label,
                "columns": [
                    {"key": column.key, "label": column.label, "unit": column.unit}
                    for column in table.columns
                ],
                "rows": [
                    {**record, "tickets_url": _drill(table, context, index)}
                    for index, record in enumerate(as_records(table))
                ],
                "csv_url": request.build_absolute_uri(
                    f"{reverse('dashboard-table-csv', kwargs={'slug': slug})}?{filters.query()}"
                ),
            }
        )


def _url(slug: str) -> str:
    return reverse("api-metrics-table", kwargs={"slug": slug})


def _drill(table: Any, context: Context, index: int) -> dict[str, str]:
    row = table.rows[index]
    links = {}
    for column in table.columns:
        link = table.link(context, row, column)
        if link is not None:
            links[column.key] = link
    return links

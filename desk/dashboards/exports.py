"""Streamed CSV: no row cap, constant memory.

Rows are read with `QuerySet.iterator()`, which on PostgreSQL is a server-side cursor, and
written to the response as they come. Text from social media that starts like a spreadsheet
formula is prefixed with a quote, so opening the file cannot run it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.http import StreamingHttpResponse
from django.utils import timezone

from channels.models import Channel
from desk.dashboards.presentation import raw
from desk.dashboards.tables import Table
from tickets.models import Queue

CHUNK_SIZE = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _response(lines: Iterable[list[Any]], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        for line in lines:
            yield writer.writerow([safe(value) for value in line])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_response(table: Table, *, filename: str) -> StreamingHttpResponse:
    def lines() -> Iterator[list[Any]]:
        yield ["key", table.key_label, *(column.label for column in table.columns)]
        for row in table.rows:
            yield [
                row.key,
                row.label,
                *(raw(row.cells.get(column.key)) for column in table.columns),
            ]

    return _response(lines(), filename)


TICKET_FIELDS = (
    "id",
    "created_at",
    "channel_id",
    "queue_id",
    "assignee_id",
    "status",
    "priority",
    "language",
    "sentiment",
    "first_response_due_at",
    "first_responded_at",
    "first_response_seconds",
    "first_response_breached",
    "next_response_breached",
    "resolution_breached",
    "follow_up_due_at",
    "follow_up_breached",
    "sla_paused_seconds",
    "reopened_count",
    "resolved_at",
    "subject",
)


def tickets_response(tickets: Any, *, filename: str) -> StreamingHttpResponse:
    # Names from small tables up front, so the ticket rows stream without joins.
    channels = dict(Channel.objects.values_list("pk", "name"))
    queues = dict(Queue.objects.values_list("pk", "name"))
    agents = dict(get_user_model().objects.values_list("pk", "username"))
    header = [*TICKET_FIELDS[:2], "channel", "queue", "agent", *TICKET_FIELDS[5:]]

    def lines() -> Iterator[list[Any]]:
        yield header
        rows = tickets.order_by("id").values_list(*TICKET_FIELDS)
        for row in rows.iterator(chunk_size=CHUNK_SIZE):
            values = [_when(value) for value in row]
            values[2] = channels.get(row[2], row[2])
            values[3] = queues.get(row[3], row[3])
            values[4] = agents.get(row[4], "") if row[4] else ""
            yield values

    return _response(lines(), filename)


MENTION_FIELDS = ("id", "created_at", "channel_id", "language", "platform_id", "url", "text")


def mentions_response(messages: Any, *, filename: str) -> StreamingHttpResponse:
    channels = dict(Channel.objects.values_list("pk", "name"))

    def lines() -> Iterator[list[Any]]:
        yield ["id", "created_at", "channel", "language", "platform_id", "url", "text"]
        rows = messages.order_by("id").values_list(*MENTION_FIELDS)
        for row in rows.iterator(chunk_size=CHUNK_SIZE):
            values = [_when(value) for value in row]
            values[2] = channels.get(row[2], row[2])
            yield values

    return _response(lines(), filename)


def _when(value: Any) -> Any:
    if hasattr(value, "tzinfo") and hasattr(value, "isoformat") and value.tzinfo is not None:
        return timezone.localtime(value).isoformat()
    return value

"""Change safety: when a calendar or policy changes, the open tickets' due times follow.

Tickets are read in id-ordered chunks (locked, so a reply meanwhile is not overwritten), their
due times computed in memory against the new calendar, and written back with one UPDATE per
chunk. No query per ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction

from desk.sla.calendars import business_calendar
from desk.sla.clocks import Context, current_clock, next_event_at, running_clocks
from desk.sla.models import SlaPolicy
from tickets.models import Ticket

CHUNK_SIZE = 5000
_FIELDS = (
    "id",
    "sla_policy_id",
    "priority",
    "status",
    "created_at",
    "first_responded_at",
    "next_response_started_at",
    "next_response_due_at",
    "first_response_due_at",
    "resolution_due_at",
    "resolved_at",
    "sla_round",
    "follow_up_started_at",
    "follow_up_due_at",
    "response_paused_seconds",
    "sla_paused_seconds",
    "next_sla_event_at",
    "sla_due_at",
    "sla_warning_at",
)
_WRITTEN = (
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "follow_up_due_at",
    "next_sla_event_at",
    "sla_due_at",
    "sla_warning_at",
)


def recompute_due_times(*, calendar_id: int | None = None, policy_id: int | None = None) -> int:
    """Recompute the due times of the open tickets of a calendar's or a policy's policies."""
    policies = SlaPolicy.objects.select_related("calendar").prefetch_related("targets")
    if calendar_id is not None:
        policies = policies.filter(calendar_id=calendar_id)
    if policy_id is not None:
        policies = policies.filter(pk=policy_id)
    by_id = {policy.pk: policy for policy in policies}
    if not by_id:
        return 0
    contexts = _contexts(by_id)
    updated = 0
    last_id = 0
    while True:
        with transaction.atomic():
            rows = list(
                Ticket.objects.select_for_update()
                .filter(
                    sla_policy_id__in=by_id,
                    status__in=Ticket.ACTIVE_STATUSES,
                    id__gt=last_id,
                )
                .order_by("id")
                .values_list(*_FIELDS)[:CHUNK_SIZE]
            )
            if not rows:
                break
            changes = []
            for values in rows:
                row = _Row(*values)
                change = _recompute(row, contexts[row.sla_policy_id, row.priority])
                if change is not None:
                    changes.append(change)
            if changes:
                _write(changes)
        updated += len(rows)
        last_id = rows[-1][0]
        if len(rows) < CHUNK_SIZE:
            break
    return updated


@dataclass(slots=True)
class _Row:
    """The clock fields of one ticket, without the cost of a model instance."""

    id: int
    sla_policy_id: int
    priority: int
    status: str
    created_at: datetime
    first_responded_at: datetime | None
    next_response_started_at: datetime | None
    next_response_due_at: datetime | None
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    resolved_at: datetime | None
    sla_round: int
    follow_up_started_at: datetime | None
    follow_up_due_at: datetime | None
    response_paused_seconds: int
    sla_paused_seconds: int
    next_sla_event_at: datetime | None
    sla_due_at: datetime | None
    sla_warning_at: datetime | None


def _recompute(row: _Row, context: Context) -> tuple[Any, ...] | None:
    """The row's new due times, or None when they did not change."""
    before = (
        row.first_response_due_at,
        row.next_response_due_at,
        row.resolution_due_at,
        row.follow_up_due_at,
        row.next_sla_event_at,
        row.sla_due_at,
        row.sla_warning_at,
    )
    targets = context.targets
    add = context.calendar.add_business_time
    response_paused = timedelta(seconds=row.response_paused_seconds)
    if row.first_responded_at is None and row.first_response_due_at is not None:
        row.first_response_due_at = add(row.created_at, targets.first_response + response_paused)
    if row.next_response_due_at is not None and row.next_response_started_at is not None:
        row.next_response_due_at = add(
            row.next_response_started_at, targets.next_response + response_paused
        )
    if row.follow_up_due_at is not None and row.follow_up_started_at is not None:
        row.follow_up_due_at = add(row.follow_up_started_at, targets.follow_up + response_paused)
    row.resolution_due_at = None
    if targets.resolution is not None and row.resolved_at is None:
        paused = timedelta(seconds=row.sla_paused_seconds)
        row.resolution_due_at = add(row.created_at, targets.resolution + paused)
    clocks = running_clocks(row, context)
    current = current_clock(clocks)
    after = (
        row.first_response_due_at,
        row.next_response_due_at,
        row.resolution_due_at,
        row.follow_up_due_at,
        next_event_at(clocks),
        current.due if current else None,
        current.warn_at if current else None,
    )
    return None if after == before else (row.id, *after)


def _contexts(policies: dict[int, SlaPolicy]) -> dict[tuple[int, int], Context]:
    """One context per (policy, priority): targets and calendar looked up once, not per row."""
    return {
        (policy.pk, priority): Context(
            policy, business_calendar(policy.calendar), policy.targets_for(priority)
        )
        for policy in policies.values()
        for priority in Ticket.Priority.values
    }


def _write(changes: list[tuple[Any, ...]]) -> None:
    if connection.vendor == "postgresql":
        row = "(%s, " + ", ".join(["%s::timestamptz"] * len(_WRITTEN)) + ")"
        values = ", ".join([row] * len(changes))
        params = [value for change in changes for value in change]
        assignments = ", ".join(f"{field} = v.{field}" for field in _WRITTEN)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Ticket._meta.db_table} AS t SET {assignments} "  # noqa: S608  # nosec B608
                f"FROM (VALUES {values}) AS v(id, {', '.join(_WRITTEN)}) WHERE t.id = v.id",
                params,
            )
        return
    tickets = [Ticket(id=id_, **dict(zip(_WRITTEN, rest, strict=True))) for id_, *rest in changes]
    Ticket.objects.bulk_update(tickets, list(_WRITTEN), batch_size=500)

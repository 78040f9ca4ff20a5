"""The SLA state of a ticket, as the desk shows and filters it.

The one place that turns due times into states. The SLA engine (issue 3) adds its own state
fields; swapping them in means changing `sla_state` and `sla_state_filter` here, nothing else.

- met: answered by the due time; missed: answered after it;
- paused: waiting on the customer (status pending);
- breached: past due without a response;
- at risk: less than an hour left, or 80 % of the time used;
- on track: otherwise; none: no SLA (monitored, netiquette violation, closed unanswered).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from django.db import NotSupportedError, models
from django.db.models import F, Q
from django.utils import timezone

from tickets.models import Ticket

AT_RISK_BEFORE_DUE = timedelta(hours=1)
AT_RISK_SHARE_USED = 0.8


class SlaState(StrEnum):
    MET = "met"
    MISSED = "missed"
    PAUSED = "paused"
    BREACHED = "breached"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"
    NONE = "none"


def at_risk_from(created_at: datetime, due_at: datetime) -> datetime:
    return min(due_at - AT_RISK_BEFORE_DUE, created_at + (due_at - created_at) * AT_RISK_SHARE_USED)


def sla_state(ticket: Ticket, *, now: datetime | None = None) -> SlaState:
    now = now or timezone.now()
    due = ticket.first_response_due_at
    if due is None or ticket.status == Ticket.Status.IGNORED:
        return SlaState.NONE
    if ticket.first_responded_at is not None:
        return SlaState.MET if ticket.first_responded_at <= due else SlaState.MISSED
    if ticket.status == Ticket.Status.PENDING:
        return SlaState.PAUSED
    if ticket.status not in Ticket.ACTIVE_STATUSES:
        return SlaState.NONE
    if now >= due:
        return SlaState.BREACHED
    if now >= at_risk_from(ticket.created_at, due):
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def time_left(ticket: Ticket, *, now: datetime | None = None) -> timedelta | None:
    """Time until the first response is due (negative when overdue); None when not running."""
    if ticket.first_response_due_at is None or ticket.first_responded_at is not None:
        return None
    return ticket.first_response_due_at - (now or timezone.now())


class _AtRiskFrom(models.Func):
    """SQL for `at_risk_from`: min(due - 1 h, created + 80 % of the span)."""

    output_field = models.DateTimeField()

    def __init__(self) -> None:
        super().__init__(F("first_response_due_at"), F("created_at"))

    def _columns(self, compiler, connection):  # type: ignore[no-untyped-def]
        due, due_params = compiler.compile(self.source_expressions[0])
        created, created_params = compiler.compile(self.source_expressions[1])
        if due_params or created_params:
            raise NotSupportedError("at-risk time needs plain columns")
        return due, created

    def as_sql(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        due, created = self._columns(compiler, connection)
        before = int(AT_RISK_BEFORE_DUE.total_seconds())
        return (
            f"LEAST({due} - interval '{before} seconds', "
            f"{created} + ({due} - {created}) * {AT_RISK_SHARE_USED!r})",
            [],
        )

    def as_sqlite(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        # SQLite keeps datetimes as text; julianday arithmetic gives the same instant, written
        # back in the text form Django compares against.
        due, created = self._columns(compiler, connection)
        due, created = f"julianday({due})", f"julianday({created})"
        days_before = AT_RISK_BEFORE_DUE.total_seconds() / 86400
        return (
            f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', min({due} - {days_before!r}, "
            f"{created} + ({due} - {created}) * {AT_RISK_SHARE_USED!r}))",
            [],
        )


RUNNING = frozenset({Ticket.Status.NEW, Ticket.Status.OPEN})


def sla_state_parts(state: SlaState, *, now: datetime | None = None) -> tuple[frozenset[str], Q]:
    """`sla_state_filter` split in two: the statuses a ticket in `state` can have (empty: any)
    and the condition on its times. Callers that filter by status themselves intersect the
    first, so the database sees one status condition and estimates its rows right."""
    now = now or timezone.now()
    unanswered = Q(first_responded_at__isnull=True, first_response_due_at__isnull=False)
    match state:
        case SlaState.MET:
            return frozenset(), Q(first_responded_at__lte=F("first_response_due_at"))
        case SlaState.MISSED:
            return frozenset(), Q(first_responded_at__gt=F("first_response_due_at"))
        case SlaState.PAUSED:
            return frozenset({Ticket.Status.PENDING}), unanswered
        case SlaState.BREACHED:
            return RUNNING, unanswered & Q(first_response_due_at__lte=now)
        case SlaState.AT_RISK:
            return RUNNING, unanswered & Q(first_response_due_at__gt=now, sla_at_risk_from__lte=now)
        case SlaState.ON_TRACK:
            return RUNNING, unanswered & Q(first_response_due_at__gt=now, sla_at_risk_from__gt=now)
        case SlaState.NONE:
            return frozenset(), Q(first_response_due_at__isnull=True) | Q(
                status=Ticket.Status.IGNORED
            )
    raise ValueError(state)


def sla_state_filter(state: SlaState, *, now: datetime | None = None) -> Q:
    """The tickets in `state`, as a filter: the same rules as `sla_state`."""
    statuses, condition = sla_state_parts(state, now=now)
    return condition & Q(status__in=sorted(statuses)) if statuses else condition


def with_sla_annotations(queryset: models.QuerySet[Ticket]) -> models.QuerySet[Ticket]:
    """Adds the column `sla_state_filter` needs for the at-risk and on-track states."""
    return queryset.annotate(sla_at_risk_from=_AtRiskFrom())

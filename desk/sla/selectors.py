"""Reads: a ticket's SLA state, the same state as a database filter, and querysets that
carry what computing it needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from desk.sla.clocks import context_for, current_clock, running_clocks
from tickets.models import Ticket

Status = Ticket.Status
RUNNING = frozenset({Status.NEW, Status.OPEN})
DONE = frozenset({Status.RESOLVED, Status.CLOSED})


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    MET = "met"
    PAUSED = "paused"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        """In the active language."""
        return str(SLA_LABELS[self])


SLA_LABELS: dict[SlaState, Promise] = {
    SlaState.ON_TRACK: _("On track"),
    SlaState.AT_RISK: _("At risk"),
    SlaState.BREACHED: _("Breached"),
    SlaState.MET: _("Met"),
    SlaState.PAUSED: _("Paused (waiting on customer)"),
    SlaState.NOT_APPLICABLE: _("Not applicable"),
}
# The clocks a state can be about, as people call them.
TARGET_LABELS: dict[str, Promise] = {
    "first_response": _("First response"),
    "next_response": _("Next response"),
    "resolution": _("Resolution"),
    "follow_up": _("Follow-up"),
}


@dataclass(frozen=True)
class SlaStatus:
    state: SlaState
    # The clock the state is about: first_response, next_response or resolution.
    target: str = ""
    due_at: datetime | None = None
    # Business time until due_at; negative once it has passed.
    business_time_left: timedelta | None = None

    @property
    def label(self) -> str:
        return self.state.label

    def as_dict(self) -> dict[str, Any]:
        left = self.business_time_left
        return {
            "state": self.state.value,
            "target": self.target or None,
            "due_at": self.due_at,
            "business_seconds_left": None if left is None else int(left.total_seconds()),
        }


def with_sla(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Tickets with their policy and calendar joined, so sla_status needs no query per row."""
    return tickets.select_related("sla_policy__calendar").prefetch_related("sla_policy__targets")


def attach_sla(tickets: list[Ticket]) -> None:
    """For rows read in several queries with `sla_policy__calendar` joined: the policies'
    targets in one query for all of them (what with_sla prefetches per query)."""
    prefetch_related_objects(tickets, "sla_policy__targets")


def sla_status(ticket: Ticket, *, now: datetime | None = None) -> SlaStatus:
    """One answer for the inbox, the ticket page, the API and dashboards.

    Not applicable: no policy (monitored channel) or a netiquette violation. Paused: waiting
    on the customer. Done tickets are met unless a clock was breached. Otherwise the state of
    the clock that falls due first.
    """
    now = now or timezone.now()
    context = context_for(ticket)
    if context is None or ticket.status == Ticket.Status.IGNORED:
        return SlaStatus(SlaState.NOT_APPLICABLE)
    breached_before = (
        ticket.first_response_breached
        or ticket.next_response_breached
        or ticket.resolution_breached
        or ticket.follow_up_breached
    )
    if ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        return SlaStatus(SlaState.BREACHED if breached_before else SlaState.MET)
    if ticket.status == Ticket.Status.PENDING:
        return SlaStatus(SlaState.PAUSED)
    clocks = running_clocks(ticket, context)
    if not clocks:
        return SlaStatus(SlaState.BREACHED if breached_before else SlaState.MET)
    clock = current_clock(clocks)
    if clock is None:  # clocks is not empty, so one of them falls due first
        return SlaStatus(SlaState.NOT_APPLICABLE)
    left = context.calendar.business_time_between(now, clock.due)
    if now >= clock.due:
        state = SlaState.BREACHED
    elif clock.warn_at is not None and now >= clock.warn_at:
        state = SlaState.AT_RISK
    else:
        state = SlaState.ON_TRACK
    return SlaStatus(state, clock.target, clock.due, left)


# A condition no ticket meets (Django leaves such a branch out of the SQL).
NOWHERE = Q(pk__in=[])


@dataclass(frozen=True)
class StateFilter:
    """The tickets in one SLA state: the statuses they can have, and conditions for the
    tickets with a running clock (sla_due_at set) and for those without one (idle).

    Kept apart so that a caller walking either group by due time gets one index range
    (no OR across the groups), and one filtering by status itself intersects the statuses.
    """

    statuses: frozenset[str]
    clocked: Q
    idle: Q

    @property
    def q(self) -> Q:
        return Q(status__in=sorted(self.statuses)) & (
            (Q(sla_due_at__isnull=False) & self.clocked) | (Q(sla_due_at__isnull=True) & self.idle)
        )


def sla_state_filter(state: SlaState, *, now: datetime | None = None) -> StateFilter:
    """Exactly the tickets for which `sla_status(ticket, now=now).state` is `state`.

    The same rules as sla_status, read from what the clocks store: sla_due_at and
    sla_warning_at are the current clock's due and warning instants (empty when no clock
    runs, which is always so for paused and done tickets), so states are comparisons to now,
    served by the partial indexes on them.
    """
    now = now or timezone.now()
    covered = Q(sla_policy__isnull=False)
    breached_before = (
        Q(first_response_breached=True)
        | Q(next_response_breached=True)
        | Q(resolution_breached=True)
        | Q(follow_up_breached=True)
    )
    never_breached = Q(
        first_response_breached=False,
        next_response_breached=False,
        resolution_breached=False,
        follow_up_breached=False,
    )
    ticking = covered & Q(sla_due_at__gt=now)
    match state:
        case SlaState.NOT_APPLICABLE:
            outside = Q(sla_policy__isnull=True) | Q(status=Status.IGNORED)
            return StateFilter(frozenset(Status.values), outside, outside)
        case SlaState.PAUSED:
            # Waiting on the customer, no clock runs (sla_due_at is empty).
            return StateFilter(frozenset({Status.PENDING}), NOWHERE, covered)
        case SlaState.MET:
            return StateFilter(RUNNING | DONE, NOWHERE, covered & never_breached)
        case SlaState.BREACHED:
            overdue = covered & Q(status__in=sorted(RUNNING), sla_due_at__lte=now)
            return StateFilter(RUNNING | DONE, overdue, covered & breached_before)
        case SlaState.AT_RISK:
            return StateFilter(RUNNING, ticking & Q(sla_warning_at__lte=now), NOWHERE)
        case SlaState.ON_TRACK:
            calm = Q(sla_warning_at__isnull=True) | Q(sla_warning_at__gt=now)
            return StateFilter(RUNNING, ticking & calm, NOWHERE)
    raise ValueError(state)

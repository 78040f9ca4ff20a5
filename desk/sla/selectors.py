"""Reads: a ticket's SLA state, and querysets that carry what computing it needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from desk.sla.clocks import context_for, running_clocks
from tickets.models import Ticket


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    MET = "met"
    PAUSED = "paused"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    SlaState.ON_TRACK: "On track",
    SlaState.AT_RISK: "At risk",
    SlaState.BREACHED: "Breached",
    SlaState.MET: "Met",
    SlaState.PAUSED: "Paused (waiting on customer)",
    SlaState.NOT_APPLICABLE: "Not applicable",
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

    @property
    def left_text(self) -> str:
        """Business time left, e.g. "5 h 20 min" or "-1 h 5 min" once overdue."""
        if self.business_time_left is None:
            return ""
        seconds = int(self.business_time_left.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        hours, minutes = seconds // 3600, seconds % 3600 // 60
        return f"{sign}{hours} h {minutes} min" if hours else f"{sign}{minutes} min"

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
    )
    if ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        return SlaStatus(SlaState.BREACHED if breached_before else SlaState.MET)
    if ticket.status == Ticket.Status.PENDING:
        return SlaStatus(SlaState.PAUSED)
    clocks = running_clocks(ticket, context)
    if not clocks:
        return SlaStatus(SlaState.BREACHED if breached_before else SlaState.MET)
    clock = min(clocks, key=lambda c: c.due)
    left = context.calendar.business_time_between(now, clock.due)
    if now >= clock.due:
        state = SlaState.BREACHED
    elif clock.warn_at is not None and now >= clock.warn_at:
        state = SlaState.AT_RISK
    else:
        state = SlaState.ON_TRACK
    return SlaStatus(state, clock.target, clock.due, left)

"""Live figures over the open tickets: at risk, breached now, paused, backlog by age.

They are read from the tickets at request time (the open tickets are a small, indexed part of
the table) with boundaries computed once per policy in its calendar, so every figure is one
SQL count and ages are exact in business time.

- breached now: an open (new/open) ticket with a running clock past its due time;
- at risk: what the ticket's SLA badge shows as at risk (desk.sla.selectors.sla_state_filter):
  its current clock is past its warning instant but not yet due;
- paused: waiting on the customer (pending), so no clock runs;
- backlog age: business time since the ticket was created, in its policy's calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils.translation import gettext

from desk.dashboards.filters import Filters
from desk.sla.business_hours import BusinessCalendar
from desk.sla.calendars import business_calendar
from desk.sla.models import SlaPolicy
from desk.sla.selectors import SlaState, sla_state_filter
from tickets.models import Ticket

Status = Ticket.Status
RUNNING = (Status.NEW, Status.OPEN)
# Backlog age buckets in business hours: [start, end), the last one open-ended.
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 4),
    (4, 8),
    (8, 16),
    (16, 24),
    (24, 48),
    (48, None),
)


@dataclass(frozen=True)
class AgeBucket:
    start: int
    end: int | None
    tickets: int

    @property
    def slug(self) -> str:
        return f"age_{self.start}_{self.end if self.end is not None else 'up'}"

    @property
    def label(self) -> str:
        if self.end is None:
            return gettext("%(start)s h and more") % {"start": self.start}
        return gettext("%(start)s–%(end)s h") % {"start": self.start, "end": self.end}


@dataclass(frozen=True)
class LiveFigures:
    backlog: int
    running: int
    paused: int
    at_risk: int
    breached_now: int
    ages: list[AgeBucket]


def live_figures(filters: Filters, *, now: datetime) -> LiveFigures:
    policies = _policies()
    counts = Ticket.objects.filter(
        Q(status__in=Ticket.ACTIVE_STATUSES) & filters.ticket_keys()
    ).aggregate(
        backlog=Count("pk"),
        running=Count("pk", filter=Q(status__in=RUNNING)),
        paused=Count("pk", filter=Q(status=Status.PENDING)),
        at_risk=Count("pk", filter=at_risk_q(now, policies)),
        breached_now=Count("pk", filter=breached_now_q(now)),
        **{
            f"age_{index}": Count("pk", filter=age_q(start, end, now, policies))
            for index, (start, end) in enumerate(AGE_BUCKETS)
        },
    )
    ages = [
        AgeBucket(start, end, counts[f"age_{index}"])
        for index, (start, end) in enumerate(AGE_BUCKETS)
    ]
    return LiveFigures(
        backlog=counts["backlog"],
        running=counts["running"],
        paused=counts["paused"],
        at_risk=counts["at_risk"],
        breached_now=counts["breached_now"],
        ages=ages,
    )


def _policies() -> list[SlaPolicy]:
    return list(SlaPolicy.objects.select_related("calendar").prefetch_related("targets"))


def breached_now_q(now: datetime) -> Q:
    """A running clock is overdue exactly when the one due first is (the badge's clock)."""
    return Q(status__in=RUNNING, sla_policy__isnull=False, sla_due_at__lte=now)


def at_risk_q(now: datetime, policies: list[SlaPolicy]) -> Q:
    """The badge's at-risk state; the policies' warning thresholds are already in each
    ticket's stored warning instant (`policies` keeps the signature of the live metrics)."""
    return sla_state_filter(SlaState.AT_RISK, now=now).q


def age_q(start: int, end: int | None, now: datetime, policies: list[SlaPolicy]) -> Q:
    """Open tickets whose business age since creation is in [start, end) hours."""
    found = Q(pk__in=[])
    for policy in policies:
        calendar = business_calendar(policy.calendar)
        q = Q(sla_policy_id=policy.pk)
        if start:
            q &= Q(created_at__lte=_aged_since(calendar, now, start))
        if end is not None:
            q &= Q(created_at__gt=_aged_since(calendar, now, end))
        found |= q
    return Q(status__in=Ticket.ACTIVE_STATUSES) & found


def _aged_since(calendar: BusinessCalendar, now: datetime, hours: int) -> datetime:
    """The latest creation time whose business age at `now` is at least `hours`."""
    earliest = calendar.subtract_business_time(now, timedelta(hours=hours))
    return calendar.add_business_time(earliest, timedelta(0))

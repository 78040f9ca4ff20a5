"""The SLA clocks of one ticket: started, paused, resumed and stopped by what happens to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.db.models import Q

from desk.config_snapshot import cached
from desk.sla.business_hours import BusinessCalendar
from desk.sla.calendars import business_calendar
from desk.sla.models import SlaEvent, SlaPause, SlaPolicy, Targets
from tickets.models import Ticket

Target = SlaEvent.Target


@dataclass(frozen=True)
class Context:
    """What a ticket's clocks are counted against."""

    policy: SlaPolicy
    calendar: BusinessCalendar
    targets: Targets


@dataclass(frozen=True)
class Clock:
    target: str
    round: int
    start: datetime
    due: datetime
    warn_at: datetime | None


class ClockFields(Protocol):
    """What running_clocks reads: a Ticket, or a lighter row in bulk recomputes."""

    status: str
    created_at: datetime
    first_responded_at: datetime | None
    first_response_due_at: datetime | None
    next_response_started_at: datetime | None
    next_response_due_at: datetime | None
    resolution_due_at: datetime | None
    resolved_at: datetime | None
    sla_round: int
    follow_up_started_at: datetime | None
    follow_up_due_at: datetime | None


def policy_for(*, queue_id: int | None, channel_id: int | None) -> SlaPolicy | None:
    """The most specific active policy: queue and channel, channel, queue, then the default."""
    return cached(
        f"sla-policy:{queue_id}:{channel_id}",
        lambda: _most_specific_policy(queue_id=queue_id, channel_id=channel_id),
    )


def _policy_of(ticket: Ticket) -> SlaPolicy | None:
    """The ticket's policy with its calendar and targets: read with the ticket (a list's
    select_related), or kept per process, not read again for every ticket."""
    pk = ticket.sla_policy_id
    if pk is None:
        return None
    if Ticket.sla_policy.is_cached(ticket):
        return ticket.sla_policy
    policy = cached(
        f"sla-policy-id:{pk}",
        lambda: (
            SlaPolicy.objects.select_related("calendar")
            .prefetch_related("targets")
            .filter(pk=pk)
            .first()
        ),
    )
    if policy is not None:
        ticket.sla_policy = policy
    return policy


def _most_specific_policy(*, queue_id: int | None, channel_id: int | None) -> SlaPolicy | None:
    candidates = (
        SlaPolicy.objects.filter(is_active=True)
        .filter(Q(queue_id=queue_id) | Q(queue__isnull=True))
        .filter(Q(channel_id=channel_id) | Q(channel__isnull=True))
        .select_related("calendar")
        .prefetch_related("targets")
    )
    return max(
        candidates,
        key=lambda p: (p.channel_id is not None, p.queue_id is not None, -p.pk),
        default=None,
    )


def context_for(ticket: Ticket, policy: SlaPolicy | None = None) -> Context | None:
    policy = policy or _policy_of(ticket)
    if policy is None:
        return None
    return Context(policy, business_calendar(policy.calendar), policy.targets_for(ticket.priority))


def running_clocks(ticket: ClockFields, context: Context) -> list[Clock]:
    """The clocks that run now; none while the ticket waits on the customer or is done."""
    if ticket.status not in (Ticket.Status.NEW, Ticket.Status.OPEN):
        return []
    clocks = []
    if ticket.first_responded_at is None and ticket.first_response_due_at is not None:
        clocks.append(
            _clock(
                context,
                Target.FIRST_RESPONSE,
                0,
                ticket.created_at,
                ticket.first_response_due_at,
                context.targets.first_response,
            )
        )
    if ticket.next_response_due_at is not None and ticket.next_response_started_at is not None:
        clocks.append(
            _clock(
                context,
                Target.NEXT_RESPONSE,
                ticket.sla_round,
                ticket.next_response_started_at,
                ticket.next_response_due_at,
                context.targets.next_response,
            )
        )
    if ticket.follow_up_due_at is not None and ticket.follow_up_started_at is not None:
        clocks.append(
            _clock(
                context,
                Target.FOLLOW_UP,
                0,
                ticket.follow_up_started_at,
                ticket.follow_up_due_at,
                context.targets.follow_up,
            )
        )
    resolution = context.targets.resolution
    if ticket.resolution_due_at is not None and ticket.resolved_at is None and resolution:
        clocks.append(
            _clock(
                context,
                Target.RESOLUTION,
                0,
                ticket.created_at,
                ticket.resolution_due_at,
                resolution,
            )
        )
    return clocks


def _clock(
    context: Context, target: str, round_: int, start: datetime, due: datetime, budget: timedelta
) -> Clock:
    lead = context.policy.warning_lead(budget)
    warn_at = None
    if lead is not None:
        warn_at = max(start, context.calendar.subtract_business_time(due, lead))
    return Clock(target, round_, start, due, warn_at)


def current_clock(clocks: list[Clock]) -> Clock | None:
    """The clock a ticket's SLA state is about: the running one that falls due first."""
    return min(clocks, key=lambda clock: clock.due, default=None)


def next_event_at(clocks: list[Clock], *, after: datetime | None = None) -> datetime | None:
    """The next warning or due time among the running clocks (strictly after `after`)."""
    moments = [m for clock in clocks for m in (clock.warn_at, clock.due) if m is not None]
    if after is not None:
        moments = [m for m in moments if m > after]
    return min(moments, default=None)


TRACKED_FIELDS = ["sla_due_at", "sla_warning_at", "next_sla_event_at"]


def track(ticket: Ticket, context: Context | None, *, after: datetime | None = None) -> list[str]:
    """Store what the running clocks mean for filters and the sweep; returns those fields.

    sla_due_at and sla_warning_at are the current clock's (what sla_status reads), so the
    inbox selects a state with comparisons to now; next_sla_event_at wakes the sweep.
    """
    clocks = running_clocks(ticket, context) if context is not None else []
    current = current_clock(clocks)
    ticket.sla_due_at = current.due if current else None
    ticket.sla_warning_at = current.warn_at if current else None
    ticket.next_sla_event_at = next_event_at(clocks, after=after)
    return list(TRACKED_FIELDS)


# -- hooks -------------------------------------------------------------------------------


def apply_initial_targets(ticket: Ticket, *, served: bool | None = None) -> None:
    if not (ticket.channel.is_served if served is None else served):
        return
    policy = policy_for(queue_id=ticket.queue_id, channel_id=ticket.channel_id)
    if policy is None:
        ticket.first_response_due_at = None
        return
    context = context_for(ticket, policy)
    if context is None:  # a policy was found, so it has a calendar and targets
        raise LookupError(f"SLA policy {policy.pk} has no usable calendar.")
    ticket.sla_policy = policy
    add = context.calendar.add_business_time
    ticket.first_response_due_at = add(ticket.created_at, context.targets.first_response)
    resolution = context.targets.resolution
    ticket.resolution_due_at = add(ticket.created_at, resolution) if resolution else None
    track(ticket, context)


def record_response(*, ticket: Ticket, at: datetime, holding: bool = False) -> None:
    """A reply the platform accepted at `at` meets the running response clock; a holding
    reply starts the follow-up clock, a full answer stops it."""
    fields = ["updated_at"]
    context = context_for(ticket)
    if ticket.first_responded_at is None:
        ticket.first_responded_at = at
        fields.append("first_responded_at")
        if context is not None and ticket.first_response_due_at is not None:
            elapsed = context.calendar.business_time_between(ticket.created_at, at)
            net = int(elapsed.total_seconds()) - ticket.response_paused_seconds
            ticket.first_response_seconds = max(0, net)
            fields.append("first_response_seconds")
            if at > ticket.first_response_due_at:
                fields += mark_breached(
                    ticket, Target.FIRST_RESPONSE, 0, ticket.first_response_due_at
                )
    if ticket.next_response_due_at is not None:
        if at > ticket.next_response_due_at:
            fields += mark_breached(
                ticket, Target.NEXT_RESPONSE, ticket.sla_round, ticket.next_response_due_at
            )
        ticket.next_response_due_at = None
        fields.append("next_response_due_at")
    if holding:
        if ticket.follow_up_due_at is None and context is not None:
            ticket.follow_up_started_at = at
            ticket.follow_up_due_at = context.calendar.add_business_time(
                at, context.targets.follow_up
            )
            fields += ["follow_up_started_at", "follow_up_due_at"]
    elif ticket.follow_up_due_at is not None:
        fields += _stop_follow_up(ticket, at)
    ticket.response_paused_seconds = 0
    fields.append("response_paused_seconds")
    if context is not None:
        fields += track(ticket, context)
    ticket.save(update_fields=sorted(set(fields)))


def _stop_follow_up(ticket: Ticket, at: datetime) -> list[str]:
    fields = ["follow_up_due_at"]
    if ticket.follow_up_due_at is not None and at > ticket.follow_up_due_at:
        fields += mark_breached(ticket, Target.FOLLOW_UP, 0, ticket.follow_up_due_at)
    ticket.follow_up_due_at = None
    return fields


def record_customer_message(*, ticket: Ticket, at: datetime) -> None:
    context = context_for(ticket)
    if context is None or ticket.status not in (Ticket.Status.NEW, Ticket.Status.OPEN):
        return
    if ticket.first_responded_at is None or ticket.next_response_due_at is not None:
        return
    fields = _start_next_response(ticket, context, at)
    ticket.save(update_fields=[*fields, "updated_at"])


def on_priority_change(*, ticket: Ticket) -> list[str]:
    """Another priority has other targets, so the warning threshold of the clocks moves.

    Due times stay: they were promised when the clocks started.
    """
    context = context_for(ticket)
    return track(ticket, context) if context is not None else []


def on_status_change(*, ticket: Ticket, old: str, at: datetime) -> list[str]:
    context = context_for(ticket)
    if context is None:
        return []
    fields: list[str] = []
    new = ticket.status
    if old == Ticket.Status.PENDING:
        fields += _resume(ticket, context, at)
    if new == Ticket.Status.PENDING:
        ticket.sla_paused_at = at
        SlaPause.objects.create(ticket=ticket, started_at=at)
        fields.append("sla_paused_at")
    elif new == Ticket.Status.RESOLVED:
        fields += _stop_all(ticket, context, at)
    elif new == Ticket.Status.OPEN and old in (Ticket.Status.RESOLVED, Ticket.Status.IGNORED):
        if ticket.first_responded_at is None:
            # Never answered (it was marked as netiquette): the first response starts now.
            ticket.first_response_due_at = context.calendar.add_business_time(
                at, context.targets.first_response
            )
            fields.append("first_response_due_at")
        else:
            fields += _start_next_response(ticket, context, at)
    return [*fields, *track(ticket, context)]


def _start_next_response(ticket: Ticket, context: Context, at: datetime) -> list[str]:
    ticket.sla_round += 1
    ticket.next_response_started_at = at
    ticket.response_paused_seconds = 0
    ticket.next_response_due_at = context.calendar.add_business_time(
        at, context.targets.next_response
    )
    return [
        "sla_round",
        "next_response_started_at",
        "response_paused_seconds",
        "next_response_due_at",
        *track(ticket, context),
    ]


def _resume(ticket: Ticket, context: Context, at: datetime) -> list[str]:
    """End a pause: its business time moves the due times of the clocks it held."""
    if ticket.sla_paused_at is None:
        return []
    seconds = max(
        0, int(context.calendar.business_time_between(ticket.sla_paused_at, at).total_seconds())
    )
    SlaPause.objects.filter(ticket=ticket, ended_at__isnull=True).update(
        ended_at=at, business_seconds=seconds
    )
    ticket.sla_paused_at = None
    fields = ["sla_paused_at"]
    if seconds == 0:
        return fields
    paused = timedelta(seconds=seconds)
    add = context.calendar.add_business_time
    ticket.sla_paused_seconds += seconds
    fields.append("sla_paused_seconds")
    response_running = False
    if ticket.first_responded_at is None and ticket.first_response_due_at is not None:
        ticket.first_response_due_at = add(ticket.first_response_due_at, paused)
        fields.append("first_response_due_at")
        response_running = True
    if ticket.next_response_due_at is not None:
        ticket.next_response_due_at = add(ticket.next_response_due_at, paused)
        fields.append("next_response_due_at")
        response_running = True
    if ticket.follow_up_due_at is not None:
        ticket.follow_up_due_at = add(ticket.follow_up_due_at, paused)
        fields.append("follow_up_due_at")
    if response_running:
        ticket.response_paused_seconds += seconds
        fields.append("response_paused_seconds")
    if ticket.resolution_due_at is not None and ticket.resolved_at is None:
        ticket.resolution_due_at = add(ticket.resolution_due_at, paused)
        fields.append("resolution_due_at")
    return fields


def _stop_all(ticket: Ticket, context: Context, at: datetime) -> list[str]:
    """Resolution stops every clock; one already past its due time counts as breached."""
    fields: list[str] = []
    if ticket.first_responded_at is None and ticket.first_response_due_at is not None:
        if at > ticket.first_response_due_at:
            fields += mark_breached(ticket, Target.FIRST_RESPONSE, 0, ticket.first_response_due_at)
    if ticket.next_response_due_at is not None:
        if at > ticket.next_response_due_at:
            fields += mark_breached(
                ticket, Target.NEXT_RESPONSE, ticket.sla_round, ticket.next_response_due_at
            )
        ticket.next_response_due_at = None
        fields.append("next_response_due_at")
    if ticket.follow_up_due_at is not None:
        fields += _stop_follow_up(ticket, at)
    if ticket.resolution_due_at is not None and at > ticket.resolution_due_at:
        fields += mark_breached(ticket, Target.RESOLUTION, 0, ticket.resolution_due_at)
    return fields


BREACH_FLAGS = {
    Target.FIRST_RESPONSE: "first_response_breached",
    Target.NEXT_RESPONSE: "next_response_breached",
    Target.RESOLUTION: "resolution_breached",
    Target.FOLLOW_UP: "follow_up_breached",
}


def mark_breached(ticket: Ticket, target: Target, round_: int, due: datetime) -> list[str]:
    """Flag a breach on the ticket and make sure its SlaEvent exists (once)."""
    SlaEvent.objects.get_or_create(
        ticket=ticket,
        target=target,
        round=round_,
        kind=SlaEvent.Kind.BREACH,
        defaults={"due_at": due},
    )
    return flag_breach(ticket, target, due)


def flag_breach(ticket: Ticket, target: Target, due: datetime) -> list[str]:
    """The ticket's side of a breach whose SlaEvent the caller has recorded; the fields set."""
    setattr(ticket, BREACH_FLAGS[target], True)
    if ticket.sla_breached_at is None or due < ticket.sla_breached_at:
        ticket.sla_breached_at = due
    return [BREACH_FLAGS[target], "sla_breached_at"]


def status_hook(ticket: Ticket, old: str, at: datetime) -> list[str]:
    """Receiver of tickets.hooks.status_changing."""
    return on_status_change(ticket=ticket, old=old, at=at)


def priority_hook(ticket: Ticket) -> list[str]:
    """Receiver of tickets.hooks.priority_changing."""
    return on_priority_change(ticket=ticket)

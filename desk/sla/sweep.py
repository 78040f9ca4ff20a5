"""The periodic evaluator: warnings and breaches recorded once, then escalated per policy;
who is told, and how (desk.sla.alerts), follows each batch."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from desk.sla.alerts import BREACH, WARNING, Alerts
from desk.sla.clocks import (
    Clock,
    Context,
    context_for,
    flag_breach,
    running_clocks,
    track,
)
from desk.sla.models import SlaEvent, SlaPolicy
from tickets.models import Ticket, TicketEvent

log = logging.getLogger(__name__)

BATCH_SIZE = 200
# A sweep stops after this many batches; the next one (a minute later) goes on.
MAX_BATCHES = 500


def sweep(*, now: datetime | None = None) -> int:
    """Evaluate every ticket whose next SLA event is due; returns how many were evaluated.

    Rows are claimed with FOR UPDATE SKIP LOCKED, so two sweeps at once split the work, and
    the unique (ticket, target, round, kind) of SlaEvent makes a second recording impossible.
    """
    now = now or timezone.now()
    evaluated = 0
    for _batch in range(MAX_BATCHES):
        with transaction.atomic():
            tickets = list(
                Ticket.objects.select_for_update(skip_locked=True)
                .filter(next_sla_event_at__lte=now)
                .order_by("next_sla_event_at", "id")[:BATCH_SIZE]
            )
            if not tickets:
                break
            policies = _policies({t.sla_policy_id for t in tickets if t.sla_policy_id})
            alerts = Alerts()
            # The batch's audit trail entries, written at once.
            events: list[TicketEvent] = []
            plans = [_plan(ticket, policies, now) for ticket in tickets]
            recorded = _record_new(
                [(plan.ticket, clock, kind) for plan in plans for clock, kind in plan.due]
            )
            for plan in plans:
                _act(plan, recorded, now, alerts, events)
            TicketEvent.objects.bulk_create(events)
            alerts.send()
        evaluated += len(tickets)
        if len(tickets) < BATCH_SIZE:
            break
    return evaluated


def _policies(ids: set[Any]) -> dict[int, SlaPolicy]:
    found = SlaPolicy.objects.filter(pk__in=ids).select_related("calendar", "escalate_to")
    return {p.pk: p for p in found.prefetch_related("targets")}


Key = tuple[int, str, int, str]  # an SlaEvent's (ticket, target, round, kind)


@dataclass
class _Plan:
    """One ticket of a batch: its SLA context and the clocks past a threshold."""

    ticket: Ticket
    policy: SlaPolicy | None
    context: Context | None
    due: list[tuple[Clock, str]]


def _plan(ticket: Ticket, policies: dict[int, SlaPolicy], now: datetime) -> _Plan:
    policy = policies.get(ticket.sla_policy_id) if ticket.sla_policy_id else None
    context = context_for(ticket, policy)
    due: list[tuple[Clock, str]] = []
    for clock in running_clocks(ticket, context) if context else []:
        if now >= clock.due:
            due.append((clock, SlaEvent.Kind.BREACH))
        elif clock.warn_at is not None and now >= clock.warn_at:
            due.append((clock, SlaEvent.Kind.WARNING))
    return _Plan(ticket, policy, context, due)


def _record_new(due: list[tuple[Ticket, Clock, str]]) -> set[Key]:
    """Record the batch's warnings and breaches not recorded before, in two statements; the
    keys of those that are new (only they are escalated: a retried sweep alerts no one twice).
    The batch's tickets are locked, so no one else records theirs meanwhile."""
    if not due:
        return set()
    wanted = {
        (ticket.pk, clock.target, clock.round, kind): (ticket, clock) for ticket, clock, kind in due
    }
    existing = set(
        SlaEvent.objects.filter(ticket_id__in={key[0] for key in wanted}).values_list(
            "ticket_id", "target", "round", "kind"
        )
    )
    new = {key: found for key, found in wanted.items() if key not in existing}
    SlaEvent.objects.bulk_create(
        [
            SlaEvent(
                ticket=ticket, target=clock.target, round=clock.round, kind=key[3], due_at=clock.due
            )
            for key, (ticket, clock) in new.items()
        ],
        ignore_conflicts=True,
    )
    return set(new)


def _act(
    plan: _Plan, recorded: set[Key], now: datetime, alerts: Alerts, events: list[TicketEvent]
) -> None:
    ticket, context = plan.ticket, plan.context
    fields = ["next_sla_event_at"]
    for clock, kind in plan.due:
        if (ticket.pk, clock.target, clock.round, kind) not in recorded:
            continue
        if kind == SlaEvent.Kind.BREACH:
            fields += _escalate(ticket, clock, context, alerts, events)  # type: ignore[arg-type]
        else:
            _warn(ticket, clock, context, alerts, events)  # type: ignore[arg-type]
    if "priority" in fields:
        # A raised priority has its own targets: the warning thresholds follow it.
        context = context_for(ticket, plan.policy)
    fields += track(ticket, context, after=now)
    ticket.save(update_fields=sorted(set(fields)))


def _escalate(
    ticket: Ticket, clock: Clock, context: Context, alerts: Alerts, events: list[TicketEvent]
) -> list[str]:
    policy = context.policy
    fields = flag_breach(
        ticket, SlaEvent.Target(clock.target), clock.due
    )  # recorded by _record_new
    # The audit trail names the target in the reader's language (desk.triage's audit_trail).
    events.append(TicketEvent.build(ticket, "sla_breach", new=clock.target))
    if policy.raise_priority_on_breach and ticket.priority < Ticket.Priority.URGENT:
        old = ticket.priority
        ticket.priority += 1
        fields.append("priority")
        events.append(
            TicketEvent.build(
                ticket, "priority", old=old, new=ticket.priority, note=gettext_noop("SLA breach")
            )
        )
    if policy.escalate_to_id and ticket.assignee_id != policy.escalate_to_id:
        # Names, as an agent's assignment records them: the audit trail shows who.
        old_assignee, new_assignee = ticket.assignee, policy.escalate_to
        ticket.assignee = new_assignee
        fields.append("assignee")
        events.append(
            TicketEvent.build(
                ticket,
                "assignee",
                old=old_assignee.get_username() if old_assignee else "",
                new=new_assignee.get_username() if new_assignee else "",
                note=gettext_noop("SLA breach"),
            )
        )
    if policy.notify_managers:
        alerts.add(ticket, target=clock.target, round=clock.round, due=clock.due, kind=BREACH)
    return fields


def _warn(
    ticket: Ticket, clock: Clock, context: Context, alerts: Alerts, events: list[TicketEvent]
) -> None:
    events.append(
        TicketEvent.build(ticket, "sla_warning", new=clock.target, note=gettext_noop("at risk"))
    )
    if context.policy.notify_managers:
        alerts.add(ticket, target=clock.target, round=clock.round, due=clock.due, kind=WARNING)

"""The periodic evaluator: warnings and breaches recorded once, then escalated per policy;
who is told, and how (desk.sla.alerts), follows each batch."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from desk.sla.alerts import BREACH, WARNING, Alerts
from desk.sla.clocks import (
    Clock,
    Context,
    context_for,
    mark_breached,
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
            for ticket in tickets:
                policy = policies.get(ticket.sla_policy_id) if ticket.sla_policy_id else None
                _evaluate(ticket, policy, now, alerts)
            alerts.send()
        evaluated += len(tickets)
        if len(tickets) < BATCH_SIZE:
            break
    return evaluated


def _policies(ids: set[Any]) -> dict[int, SlaPolicy]:
    found = SlaPolicy.objects.filter(pk__in=ids).select_related("calendar", "escalate_to")
    return {p.pk: p for p in found.prefetch_related("targets")}


def _evaluate(ticket: Ticket, policy: SlaPolicy | None, now: datetime, alerts: Alerts) -> None:
    context = context_for(ticket, policy)
    fields = ["next_sla_event_at"]
    clocks = running_clocks(ticket, context) if context else []
    for clock in clocks:
        if now >= clock.due:
            if _record(ticket, clock, SlaEvent.Kind.BREACH):
                fields += _escalate(ticket, clock, context, alerts)  # type: ignore[arg-type]
        elif clock.warn_at is not None and now >= clock.warn_at:
            if _record(ticket, clock, SlaEvent.Kind.WARNING):
                _warn(ticket, clock, context, alerts)  # type: ignore[arg-type]
    if "priority" in fields:
        # A raised priority has its own targets: the warning thresholds follow it.
        context = context_for(ticket, policy)
    fields += track(ticket, context, after=now)
    ticket.save(update_fields=sorted(set(fields)))


def _record(ticket: Ticket, clock: Clock, kind: str) -> bool:
    try:
        with transaction.atomic():
            SlaEvent.objects.create(
                ticket=ticket, target=clock.target, round=clock.round, kind=kind, due_at=clock.due
            )
    except IntegrityError:
        return False
    return True


def _escalate(ticket: Ticket, clock: Clock, context: Context, alerts: Alerts) -> list[str]:
    policy = context.policy
    fields = mark_breached(ticket, SlaEvent.Target(clock.target), clock.round, clock.due)
    # The audit trail names the target in the reader's language (desk.triage's audit_trail).
    TicketEvent.record(ticket, "sla_breach", new=clock.target)
    if policy.raise_priority_on_breach and ticket.priority < Ticket.Priority.URGENT:
        old = ticket.priority
        ticket.priority += 1
        fields.append("priority")
        TicketEvent.record(
            ticket, "priority", old=old, new=ticket.priority, note=gettext_noop("SLA breach")
        )
    if policy.escalate_to_id and ticket.assignee_id != policy.escalate_to_id:
        # Names, as an agent's assignment records them: the audit trail shows who.
        old_assignee, new_assignee = ticket.assignee, policy.escalate_to
        ticket.assignee = new_assignee
        fields.append("assignee")
        TicketEvent.record(
            ticket,
            "assignee",
            old=old_assignee.get_username() if old_assignee else "",
            new=new_assignee.get_username() if new_assignee else "",
            note=gettext_noop("SLA breach"),
        )
    if policy.notify_managers:
        alerts.add(ticket, target=clock.target, round=clock.round, due=clock.due, kind=BREACH)
    return fields


def _warn(ticket: Ticket, clock: Clock, context: Context, alerts: Alerts) -> None:
    TicketEvent.record(ticket, "sla_warning", new=clock.target, note=gettext_noop("at risk"))
    if context.policy.notify_managers:
        alerts.add(ticket, target=clock.target, round=clock.round, due=clock.due, kind=WARNING)

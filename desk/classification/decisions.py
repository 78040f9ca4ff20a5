"""Why a new ticket was classified and routed as it was, kept for the ticket page and the gate."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from desk.classification.models import TicketDecision
from desk.classification.types import Classification, RoutingDecision
from tickets.models import Ticket, TicketEvent


def record_decision(
    *, ticket: Ticket, classification: Classification, decision: RoutingDecision
) -> TicketDecision:
    recorded, events = decision_rows(
        ticket=ticket, classification=classification, decision=decision
    )
    recorded.save(force_insert=True)
    for event in events:
        event.save(force_insert=True)
    return recorded


def decision_rows(
    *, ticket: Ticket, classification: Classification, decision: RoutingDecision
) -> tuple[TicketDecision, list[TicketEvent]]:
    """The decision and, when replies need approval, its audit event: unsaved, for the
    ingest pipeline to insert with the ticket in one statement."""
    recorded = TicketDecision(
        ticket=ticket,
        language=classification.language,
        labels=classification.labels,
        sentiment=classification.sentiment,
        reasons=classification.reasons,
        evidence=classification.evidence(),
        fired_rules=list(decision.fired_rules),
        routing_reason=decision.reason,
        routing_why=decision.why,
        needs_approval=decision.needs_approval,
    )
    events = []
    if decision.needs_approval:
        # The outbound gate reads the flag: replies wait for a spokesperson's approval.
        # Which rule asked is the decision's to say; the note is the gate's own message, so
        # the audit trail words it in the reader's language.
        note = gettext_noop(
            "A routing rule asked for a spokesperson's approval of replies on this ticket."
        )
        events.append(TicketEvent(ticket=ticket, kind="approval_requested", note=note))
    return recorded, events

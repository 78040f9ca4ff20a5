"""Why a new ticket was classified and routed as it was, kept for the ticket page and the gate."""

from __future__ import annotations

from desk.classification.models import TicketDecision
from desk.classification.types import Classification, RoutingDecision
from tickets.models import Ticket, TicketEvent


def record_decision(
    *, ticket: Ticket, classification: Classification, decision: RoutingDecision
) -> TicketDecision:
    recorded = TicketDecision.objects.create(
        ticket=ticket,
        language=classification.language,
        labels=classification.labels,
        sentiment=classification.sentiment,
        reasons=classification.reasons,
        evidence={
            name: {"source": source, "cues": list(classification.cues.get(name, ()))}
            for name, source in classification.sources.items()
            if name in classification.labels or name == "sentiment"
        },
        fired_rules=list(decision.fired_rules),
        routing_reason=decision.reason,
        needs_approval=decision.needs_approval,
    )
    if decision.needs_approval:
        # The outbound gate reads the flag: replies wait for a spokesperson's approval.
        TicketEvent.record(ticket, "approval_requested", note=decision.reason[:300])
    return recorded

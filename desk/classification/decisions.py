"""What happens after a new ticket is routed: the decision is recorded, a holding reply sent."""

from __future__ import annotations

import logging

from django.db import transaction

from desk.classification.models import TicketDecision
from desk.classify import Classification
from desk.routing import RoutingDecision
from tickets.models import Ticket, TicketEvent

log = logging.getLogger(__name__)


def after_routing(
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
        TicketEvent.record(ticket, "approval_requested", note=decision.reason[:300])
    if decision.holding_reply and not decision.netiquette_violation:
        ticket_id, text = ticket.pk, decision.holding_reply
        transaction.on_commit(lambda: send_holding_reply(ticket_id=ticket_id, text=text))
    return recorded


def send_holding_reply(*, ticket_id: int, text: str) -> None:
    """Send a rule's holding reply once the ticket is committed; a refusal is logged."""
    from tickets.services import ReplyRefused, post_reply

    ticket = Ticket.objects.select_related("channel").get(pk=ticket_id)
    try:
        post_reply(ticket=ticket, author=None, text=text, is_holding=True)
    except ReplyRefused as exc:
        log.warning("holding reply for ticket %s refused: %s", ticket_id, exc)

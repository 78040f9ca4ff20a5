"""Small pieces other pages include: crisis banner, similar questions, badges, the decision."""

from __future__ import annotations

from typing import Any

from django import template

from desk.classification import ambassadors
from desk.classification.forms import CorrectionForm
from desk.classification.incidents import mention_count, open_incidents
from desk.classification.labels import LABEL_NAMES
from desk.classification.models import TicketDecision
from desk.classification.similar import similar_to_ticket

register = template.Library()


@register.inclusion_tag("classification/_crisis_banner_list.html")
def crisis_banner() -> dict[str, Any]:
    return {
        "incidents": [
            {"incident": incident, "mentions": mention_count(incident)}
            for incident in open_incidents()
        ]
    }


@register.inclusion_tag("classification/_similar_list.html")
def similar_questions(ticket: Any) -> dict[str, Any]:
    return {"similar": similar_to_ticket(ticket)}


@register.inclusion_tag("classification/_badge_list.html")
def contact_badges(contact: Any) -> dict[str, Any]:
    return {"badges": ambassadors.confirmed_badges(contact.pk) if contact else []}


@register.inclusion_tag("classification/_decision.html", takes_context=True)
def ticket_decision(context: dict[str, Any], ticket: Any) -> dict[str, Any]:
    decision = TicketDecision.objects.filter(ticket=ticket).first()
    labels = []
    if decision is not None:
        labels = [
            {
                "name": LABEL_NAMES.get(label, label),
                "score": score,
                "why": decision.reasons.get(label, ""),
            }
            for label, score in sorted(decision.labels.items(), key=lambda item: -item[1])
        ]
    return {
        "ticket": ticket,
        "decision": decision,
        "labels": labels,
        "form": CorrectionForm(initial={"queue": ticket.queue.slug}),
        "csrf_token": context.get("csrf_token"),
    }

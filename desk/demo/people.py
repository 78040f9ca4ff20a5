"""The demo's people as the desk knows them, and moments chosen against the SLA calendar."""

from __future__ import annotations

from datetime import datetime

from channels.models import Channel
from desk.demo.personas import PERSONAS, Persona
from desk.sla.calendars import business_calendar
from desk.sla.models import SlaPolicy
from tickets.models import Contact, Identity, Ticket

# How each sandbox platform's parser names an account: (identity kind, external id).
IDENTITIES = {
    "x": lambda p: ("x", p.numeric_id),
    "facebook": lambda p: ("meta", p.numeric_id),
    "instagram": lambda p: ("instagram", p.numeric_id),
    "mastodon": lambda p: ("mastodon", f"https://chaos.social/@{p.handle}"),
    "bluesky": lambda p: ("bluesky", p.bluesky_did),
    "email": lambda p: ("email", p.email),
    "webform": lambda p: ("email", p.email),
}


def link_personas(*, channels: dict[str, Channel]) -> None:
    """One contact per person with an identity on each platform they use, as staff would
    have merged them: the ticket view shows their history across channels."""
    for persona in PERSONAS:
        contact = Contact.objects.create(display_name=persona.name, primary_email=persona.email)
        for platform in persona.platforms:
            kind, external_id = IDENTITIES[platform](persona)
            Identity.objects.get_or_create(
                kind=kind,
                external_id=external_id,
                defaults={
                    "contact": contact,
                    "display_name": persona.name,
                    "handle": "" if kind == "email" else f"@{persona.handle}",
                    "email": persona.email if kind == "email" else "",
                },
            )


def persona_for(name: str) -> Persona | None:
    return next((p for p in PERSONAS if p.name == name), None)


def moment_at_risk(*, now: datetime) -> datetime:
    """When a question must have arrived for its first response to be at risk now: past the
    default policy's warning threshold, short of its due time (in business time)."""
    policy = (
        SlaPolicy.objects.filter(is_active=True, queue__isnull=True, channel__isnull=True)
        .select_related("calendar")
        .first()
    )
    if policy is None:
        return now
    budget = policy.targets_for(Ticket.Priority.NORMAL).first_response
    lead = policy.warning_lead(budget) or budget / 5
    return business_calendar(policy.calendar).subtract_business_time(now, budget - lead / 2)

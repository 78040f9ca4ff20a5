"""Migration 0008 moves why a ticket went to its queue into its decision: a ticket that had a
reason but no decision keeps the reason, and a decision recorded before keeps its English."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.migration_helpers import migrate_to_newest, migrated_to

BEFORE = [("classification", "0007_incident_reason_in_the_readers_language")]
BEFORE_TICKETS = ("tickets", "0008_follow_up_clock")
AFTER = [("tickets", "0009_ticket_routing_reason_in_its_decision")]


@pytest.mark.django_db(transaction=True)
def test_a_ticket_s_reason_moves_into_its_decision() -> None:
    old = migrated_to([*BEFORE, BEFORE_TICKETS])
    channel = old.get_model("channels", "Channel").objects.create(kind="webhook", name="Old")
    contact = old.get_model("tickets", "Contact").objects.create()
    conversation = old.get_model("tickets", "Conversation").objects.create(
        channel=channel, contact=contact, last_activity_at=timezone.now()
    )
    queue = old.get_model("tickets", "Queue").objects.get(slug="inbound")
    tickets = old.get_model("tickets", "Ticket").objects

    def ticket(reason: str) -> Any:
        return tickets.create(
            conversation=conversation,
            channel=channel,
            contact=contact,
            queue=queue,
            routing_reason=reason,
            language="de",
        )

    orphan, decided, plain = ticket("rule 'Old': always"), ticket("cut sh"), ticket("")
    old.get_model("classification", "TicketDecision").objects.create(
        ticket=decided, routing_reason="cut short in the ticket, whole here"
    )
    try:
        new = migrated_to(AFTER).get_model("classification", "TicketDecision").objects

        assert new.get(ticket_id=orphan.pk).routing_reason == "rule 'Old': always"
        assert new.get(ticket_id=orphan.pk).language == "de"
        kept = new.get(ticket_id=decided.pk)
        assert (kept.routing_reason, kept.routing_why) == (
            "cut short in the ticket, whole here",
            None,
        )
        assert not new.filter(ticket_id=plain.pk).exists()
    finally:
        migrate_to_newest()

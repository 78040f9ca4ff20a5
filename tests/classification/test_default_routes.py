"""The default rules, shipped by a data migration, route each kind of mention."""

import pytest

from tests.classification.conftest import Deliver
from tickets.models import Ticket


@pytest.mark.parametrize(
    "text",
    [
        "The app crashes every time I log in since the update.",
        "Seit dem Update stürzt die App beim Start ab.",
        "Aplikacja nie działa po ostatniej aktualizacji.",
    ],
)
def test_a_technical_question_goes_to_technical_support(deliver: Deliver, text: str) -> None:
    ticket = deliver(text)

    assert ticket is not None
    assert ticket.queue.slug == "technical"
    assert "Technical questions to Technical support" in ticket.decision.routing_reason


@pytest.mark.parametrize(
    "text",
    [
        "Journalist at Tech Weekly here: could your press office comment on the outage?",
        "Journaliste au Monde Numérique : pouvez-vous commenter la panne d'hier ?",
    ],
)
def test_a_press_inquiry_goes_to_communications(deliver: Deliver, text: str) -> None:
    ticket = deliver(text)

    assert ticket is not None
    assert ticket.queue.slug == "communications"
    assert ticket.tags.filter(name="press").exists()


@pytest.mark.parametrize(
    "text",
    [
        "We're a team of 40. What does the enterprise plan cost? Please send a quote.",
        "Vad kostar företagslicensen? Vi är 20 personer och vill ha en offert.",
    ],
)
def test_a_sales_lead_goes_to_sales(deliver: Deliver, text: str) -> None:
    ticket = deliver(text)

    assert ticket is not None
    assert ticket.queue.slug == "sales"
    assert ticket.tags.filter(name="sales-lead").exists()


@pytest.mark.parametrize(
    "text",
    [
        "You are the worst company ever, idiots, all of you.",
        "Ihr seid doch alle Vollidioten, was für ein Saftladen!",
        "Earn $500 a day from home!!! Click here bit.ly/3xRich",
    ],
)
def test_a_netiquette_violation_leaves_the_queue_without_a_reply(
    deliver: Deliver, text: str
) -> None:
    ticket = deliver(text)

    assert ticket is not None
    assert ticket.status == Ticket.Status.IGNORED
    assert not ticket.conversation.messages.filter(direction="out").exists()
    assert ticket.events.filter(kind="status", new_value="ignored").exists()


def test_polite_criticism_is_not_a_netiquette_violation(deliver: Deliver) -> None:
    ticket = deliver("Third outage this month. I pay for reliability and I'm not getting it.")

    assert ticket is not None
    assert ticket.status == Ticket.Status.NEW
    assert ticket.queue.slug == "inbound"
    assert ticket.sentiment == "negative"


def test_every_decision_records_why(deliver: Deliver) -> None:
    ticket = deliver("Getting error 500 when I upload a file.")

    assert ticket is not None
    decision = ticket.decision
    assert decision.language == "en"
    assert decision.labels["technical"] >= 0.5
    assert "'error'" in decision.reasons["technical"]
    assert decision.fired_rules == ["Technical questions to Technical support"]

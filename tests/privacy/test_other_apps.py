"""Erasure and retention reach the personal data the other apps keep: the similar-questions
index, staff corrections kept for training, routing reasons that quote a message, engagement
tallies and badges, and draft replies waiting for approval."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from desk.classification.models import (
    ContactBadge,
    ConversationDocument,
    EngagementTally,
    RoutingRule,
    TicketDecision,
    TrainingExample,
)
from desk.outbound.models import ReplyApproval
from desk.privacy.models import AuditEntry
from desk.privacy.services.redaction import REDACTED
from desk.privacy.tasks import run_retention
from tests.conftest import make_staff_client, post_json
from tests.privacy.conftest import age
from tickets.models import Message, Ticket, TicketEvent

ANN_EMAIL = "ann@example.org"
BO_EMAIL = "bo@example.org"


def erase(client: Client, email: str) -> Any:
    response = post_json(client, "/api/v1/privacy/erasure-requests/", {"email": email})
    assert response.status_code == 200, response.content
    return response.json()


def ticket_of(message: Message) -> Ticket:
    return Ticket.objects.filter(conversation=message.conversation).latest("pk")


@pytest.fixture
def drafting_agent(db: None, django_user_model: Any) -> Client:
    """An agent who may not answer in the company's voice: their public replies wait for a
    spokesperson's approval."""
    return make_staff_client(django_user_model, "al", "agent")


def test_erasure_takes_the_persons_conversations_out_of_similar_questions(
    mention: Any, reply: Any, agent_client: Client, manager_client: Client
) -> None:
    ann = mention("p1", "How do I export all my contacts as a CSV file?", email=ANN_EMAIL)
    reply(ann.conversation, "Settings, Contacts, Export, pick CSV.")
    bo = mention("p2", "How do I export my invoices as CSV?", author_id="bo", email=BO_EMAIL)
    reply(bo.conversation, "Billing, Invoices, Export.")
    bo_document = ConversationDocument.objects.get(pk=bo.conversation_id).document
    new = ticket_of(mention("p3", "Can I export contacts to CSV somehow?", author_id="cy"))
    ann_link = f'href="/tickets/{ticket_of(ann).pk}/"'
    assert ann_link in agent_client.get(f"/tickets/{new.pk}/").content.decode()

    erase(manager_client, ANN_EMAIL)

    assert ann_link not in agent_client.get(f"/tickets/{new.pk}/").content.decode()
    assert not ConversationDocument.objects.filter(pk=ann.conversation_id).exists()
    assert ConversationDocument.objects.get(pk=bo.conversation_id).document == bo_document


def test_erasing_someone_who_wrote_in_another_thread_indexes_that_thread_without_their_words(
    mention: Any, reply: Any, manager_client: Client
) -> None:
    ann = mention("p1", "My invoice is wrong", email=ANN_EMAIL)
    reply(ann.conversation, "Sorry, we fix it.")
    ann.conversation.messages.filter(direction="out").update(platform_id="out-1")
    bo = mention("p2", "My parcel never arrived", author_id="bo", email=BO_EMAIL, parent_id="out-1")
    assert bo.conversation_id == ann.conversation_id
    assert "parcel" in ConversationDocument.objects.get(pk=ann.conversation_id).document

    erase(manager_client, BO_EMAIL)

    assert ConversationDocument.objects.get(pk=ann.conversation_id).document == (
        "My invoice is wrong"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT plainto_tsquery('english', 'parcel') @@ search_vector, "
                "plainto_tsquery('english', 'invoice') @@ search_vector "
                "FROM classification_conversationdocument WHERE conversation_id = %s",
                [ann.conversation_id],
            )
            assert cursor.fetchone() == (False, True)


def test_erasure_removes_the_training_examples_made_from_the_persons_messages(
    mention: Any, agent_client: Client, manager_client: Client
) -> None:
    ann = ticket_of(mention("p1", "Does the API add-on work for our shops?", email=ANN_EMAIL))
    bo = ticket_of(mention("p2", "Does the export work for 40 shops?", author_id="bo"))
    for ticket in (ann, bo):
        response = agent_client.post(f"/desk/tickets/{ticket.pk}/correct/", {"queue": "sales"})
        assert response.status_code == 302

    erase(manager_client, ANN_EMAIL)

    assert list(TrainingExample.objects.values_list("text", flat=True)) == [
        "Does the export work for 40 shops?"
    ]


def test_erasure_removes_routing_reasons_that_quote_the_persons_words(
    mention: Any, manager_client: Client, spokesperson_client: Client
) -> None:
    RoutingRule.objects.create(name="Invoices", text_regex=r"invoice.*", position=0)
    ann = ticket_of(mention("p1", "My invoice is wrong since March", email=ANN_EMAIL))
    bo = ticket_of(mention("p2", "The invoice came twice", author_id="bo"))
    assert "since March" in TicketDecision.objects.get(ticket=ann).routing_reason
    assert "since March" in spokesperson_client.get(f"/tickets/{ann.pk}/").content.decode()

    erase(manager_client, ANN_EMAIL)

    decision = TicketDecision.objects.get(ticket=ann)
    assert (decision.routing_reason, decision.routing_why, decision.reasons) == (REDACTED, None, {})
    assert "March" not in spokesperson_client.get(f"/tickets/{ann.pk}/").content.decode()
    assert decision.labels == TicketDecision.objects.get(ticket=bo).labels
    notes = TicketEvent.objects.filter(ticket=ann).values_list("note", flat=True)
    assert not [note for note in notes if "March" in note]
    assert "came twice" in TicketDecision.objects.get(ticket=bo).routing_reason
    assert "came twice" in spokesperson_client.get(f"/tickets/{bo.pk}/").content.decode()


def test_erasure_forgets_the_persons_engagement_and_badges(
    mention: Any, manager_client: Client
) -> None:
    ann = mention("p1", "Thanks, great service!", email=ANN_EMAIL).conversation.contact
    bo = mention("p2", "Thanks, lovely!", author_id="bo").conversation.contact
    for contact in (ann, bo):
        ContactBadge.objects.create(contact=contact, kind=ContactBadge.Kind.VIP)

    erase(manager_client, ANN_EMAIL)

    assert list(EngagementTally.objects.values_list("contact_id", flat=True)) == [bo.pk]
    assert list(ContactBadge.objects.values_list("contact_id", flat=True)) == [bo.pk]


def test_erasure_withdraws_the_persons_draft_replies(
    mention: Any, drafting_agent: Client, manager_client: Client
) -> None:
    for platform_id, author, email in (("p1", "ann", ANN_EMAIL), ("p2", "bo", BO_EMAIL)):
        message = mention(platform_id, "Where is my parcel?", author_id=author, email=email)
        ticket = ticket_of(message)
        drafting_agent.post(
            f"/tickets/{ticket.pk}/reply/",
            {"text": f"Dear {author}, it ships today.", "voice": "company"},
        )
    assert ReplyApproval.objects.filter(state="pending").count() == 2

    erase(manager_client, ANN_EMAIL)

    assert sorted(ReplyApproval.objects.values_list("text", "state")) == [
        ("Dear bo, it ships today.", "pending"),
        (REDACTED, "rejected"),
    ]


def test_the_erasure_record_and_the_audit_count_every_store_reached(
    mention: Any, reply: Any, manager_client: Client
) -> None:
    ann = mention("p1", "My invoice is wrong", email=ANN_EMAIL)
    reply(ann.conversation, "Sorry, we fix it.")

    erased = erase(manager_client, ANN_EMAIL)["erased"]

    assert erased["search_index"] == 1
    assert erased["engagement"] == 1
    for store in ("attachments", "message_revisions", "training_examples", "reply_approvals"):
        assert store in erased
    counts = AuditEntry.objects.get(
        action="subject.erased", target_type="privacy.datasubjectrequest"
    ).counts
    assert counts["search_index"] == 1 and counts["engagement"] == 1


def test_retention_clears_the_other_apps_data_of_expired_conversations_only(
    mention: Any, reply: Any, agent_client: Client, drafting_agent: Client
) -> None:
    RoutingRule.objects.create(name="Orders", text_regex=r"order.*", position=0)
    conversations = {}
    for name, days in (("ann", 400), ("cy", 30)):
        message = mention(f"p-{name}", f"{name} asks about order 7", author_id=name)
        reply(message.conversation, f"Hello {name}, it ships today.")
        ticket = ticket_of(message)
        agent_client.post(f"/desk/tickets/{ticket.pk}/correct/", {"queue": "sales"})
        drafting_agent.post(
            f"/tickets/{ticket.pk}/reply/", {"text": f"More for {name}", "voice": "company"}
        )
        age(message.conversation, days)
        conversations[name] = message.conversation

    run_retention.delay()

    ann, cy = conversations["ann"], conversations["cy"]
    assert not ConversationDocument.objects.filter(pk=ann.pk).exists()
    assert "cy asks" in ConversationDocument.objects.get(pk=cy.pk).document
    assert list(TrainingExample.objects.values_list("text", flat=True)) == ["cy asks about order 7"]
    assert TicketDecision.objects.get(ticket__conversation=ann).routing_reason == REDACTED
    assert "order 7" in TicketDecision.objects.get(ticket__conversation=cy).routing_reason
    assert sorted(ReplyApproval.objects.values_list("text", flat=True)) == [
        "More for cy",
        REDACTED,
    ]
    assert list(EngagementTally.objects.values_list("contact_id", flat=True)) == [cy.contact_id]

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from channels.models import InboundEvent
from desk.privacy.models import AuditEntry, ConversationRedaction, LegalHold
from desk.privacy.services.redaction import REDACTED
from desk.privacy.tasks import run_retention
from tests.privacy.conftest import age, publish_by_command
from tickets.models import Contact, Conversation, Identity, Message, Ticket

# The default notice keeps data 365 days after the last activity.
EXPIRED = 400
FRESH = 30


def sla_figures() -> list[tuple[Any, ...]]:
    """What SLA reports are computed from: ticket timings and states, message counts and times."""
    tickets = list(
        Ticket.objects.order_by("pk").values_list(
            "pk",
            "status",
            "queue_id",
            "created_at",
            "updated_at",
            "first_response_due_at",
            "first_responded_at",
            "resolved_at",
            "closed_at",
            "reopened_count",
            "last_customer_message_at",
        )
    )
    messages = list(
        Message.objects.order_by("pk").values_list(
            "pk", "conversation_id", "direction", "created_at", "received_at", "delivery_state"
        )
    )
    return tickets + messages


@pytest.fixture
def three_people(mention: Any, reply: Any) -> tuple[Conversation, Conversation, Conversation]:
    """Two expired conversations (Ann's, Bo's) and a fresh one (Cy's), each answered."""
    conversations = []
    for n, (name, days) in enumerate((("Ann", EXPIRED), ("Bo", EXPIRED), ("Cy", FRESH))):
        conversation = mention(
            f"p{n}",
            f"{name} asks about order {n}",
            author_id=f"u{n}",
            name=name,
            email=f"{name.lower()}@example.org",
            profile_url=f"https://social.example/{name}",
            url=f"https://social.example/{name}/p{n}",
        ).conversation
        reply(conversation, f"Hello {name}, it ships today.")
        age(conversation, days)
        conversations.append(conversation)
    return conversations[0], conversations[1], conversations[2]


def test_retention_anonymizes_exactly_the_expired_conversations(three_people: Any) -> None:
    ann, bo, cy = three_people

    call_command("privacy_retention", stdout=StringIO())

    for expired in (ann, bo):
        expired.refresh_from_db()
        assert expired.subject == REDACTED
        assert set(expired.messages.values_list("text", flat=True)) == {REDACTED}
        assert set(expired.messages.values_list("url", flat=True)) == {""}
        identity = Identity.objects.get(contact=expired.contact)
        assert (identity.display_name, identity.handle, identity.email, identity.profile_url) == (
            REDACTED,
            "",
            "",
            "",
        )
        assert Contact.objects.get(pk=expired.contact_id).primary_email == ""
        event = InboundEvent.objects.get(pk=expired.messages.get(direction="in").inbound_event_id)
        assert (bytes(event.body), event.headers) == (b"", {})
    assert Ticket.objects.filter(conversation__in=[ann, bo], subject=REDACTED).count() == 2
    cy.refresh_from_db()
    assert cy.subject == "Cy asks about order 2"
    assert "Hello Cy" in cy.messages.get(direction="out").text
    assert Identity.objects.get(contact=cy.contact).email == "cy@example.org"
    assert bytes(InboundEvent.objects.get(pk=cy.messages.get(direction="in").inbound_event_id).body)
    assert set(ConversationRedaction.objects.values_list("conversation_id", flat=True)) == {
        ann.pk,
        bo.pk,
    }


def test_retention_leaves_the_sla_figures_unchanged(three_people: Any) -> None:
    before = sla_figures()

    call_command("privacy_retention", stdout=StringIO())

    assert sla_figures() == before


def test_a_second_run_finds_nothing_left_to_do(three_people: Any) -> None:
    run_retention.delay()
    out = StringIO()

    call_command("privacy_retention", "--dry-run", stdout=out)

    assert "0 conversations with 0 messages are due" in out.getvalue()


def test_a_legal_hold_protects_an_expired_conversation(
    three_people: Any, manager_client: Client
) -> None:
    ann, bo, _ = three_people
    manager_client.post(
        "/privacy/holds/", {"target": f"contact:{ann.contact_id}", "reason": "Case 4711"}
    )
    manager_client.post("/privacy/holds/", {"target": f"conversation:{bo.pk}", "reason": "Claim"})

    run_retention.delay()

    for held in (ann, bo):
        assert not ConversationRedaction.objects.filter(conversation=held).exists()
        assert REDACTED not in held.messages.values_list("text", flat=True)
    assert Identity.objects.get(contact=ann.contact).email == "ann@example.org"

    hold = LegalHold.objects.get(conversation=bo)
    manager_client.post(f"/privacy/holds/{hold.pk}/release/")
    run_retention.delay()

    assert ConversationRedaction.objects.filter(conversation=bo).exists()
    assert not ConversationRedaction.objects.filter(conversation=ann).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"hold.placed", "hold.released", "retention.ran"} <= actions


def test_the_dry_run_shows_what_the_next_run_would_do_and_changes_nothing(
    three_people: Any, manager_client: Client
) -> None:
    ann, bo, cy = three_people
    LegalHold.objects.create(conversation=bo, reason="Claim")
    before = list(Message.objects.order_by("pk").values_list("text", flat=True))
    out = StringIO()

    call_command("privacy_retention", "--dry-run", stdout=out)
    page = manager_client.get("/privacy/retention/")

    assert (
        "1 conversation with 2 messages is due; 1 expired conversation is under legal hold"
        in out.getvalue()
    )
    assert f"conversation {ann.pk} " in out.getvalue()
    assert page.status_code == 200
    assert [c.pk for c in page.context["plan"].sample] == [ann.pk]
    assert page.context["plan"].held == 1
    assert list(Message.objects.order_by("pk").values_list("text", flat=True)) == before
    assert not ConversationRedaction.objects.exists()


def test_the_dry_run_page_says_what_happens_in_the_reader_s_language(
    three_people: Any, manager_client: Client, settings: Any
) -> None:
    manager_client.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})

    anonymizing = manager_client.get("/privacy/retention/").content.decode()
    settings.PRIVACY_RETENTION_ACTION = "delete"
    deleting = manager_client.get("/privacy/retention/").content.decode()

    assert "Personenbezogene Daten anonymisieren" in anonymizing
    assert "Unterhaltungen und ihre Nachrichten löschen" in deleting
    # Each due conversation's notice says how long it promised to keep the data.
    assert "365 Tage aufbewahrt" in anonymizing


def test_a_persons_identity_stays_while_one_of_their_conversations_is_live(
    mention: Any, reply: Any
) -> None:
    old = mention("p1", "Old question", name="Ann").conversation
    new = mention("p2", "New question", name="Ann").conversation
    assert old.contact_id == new.contact_id
    age(old, EXPIRED)

    run_retention.delay()

    assert Message.objects.get(platform_id="p1").text == REDACTED
    assert Message.objects.get(platform_id="p2").text == "New question"
    assert Identity.objects.get(contact=old.contact).display_name == "Ann"


def test_the_notice_given_decides_the_retention_period(
    mention: Any, reply: Any, tmp_path: Any
) -> None:
    publish_by_command(tmp_path, language="en", text="We keep your data for 30 days.", days=30)
    short = mention("p1", "Told 30 days", author_id="u1").conversation
    reply(short, "Answer")
    unnoticed = mention("p2", "Never answered", author_id="u2", name="Bo").conversation
    age(short, 31)
    age(unnoticed, 31)

    run_retention.delay()

    assert Message.objects.get(platform_id="p1").text == REDACTED
    assert Message.objects.get(platform_id="p2").text == "Never answered"


def test_the_delete_action_removes_expired_conversations(three_people: Any, settings: Any) -> None:
    settings.PRIVACY_RETENTION_ACTION = "delete"
    ann, bo, cy = three_people

    run_retention.delay()

    assert list(Conversation.objects.values_list("pk", flat=True)) == [cy.pk]
    assert not Contact.objects.filter(pk__in=[ann.contact_id, bo.contact_id]).exists()
    assert InboundEvent.objects.count() == 1


def test_retention_is_scheduled_nightly(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention-nightly"]
    assert entry["task"] == run_retention.name
    assert entry["schedule"].hour == {3}

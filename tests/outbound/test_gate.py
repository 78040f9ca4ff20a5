"""Every message that leaves the company passes one gate: the paths that used to skip it."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from channels.models import Channel
from channels.platforms.models import PlatformAction
from channels.services import create_channel
from desk.classification.models import ReplyTemplate, RoutingRule
from desk.outbound.models import ConfidentialTerm, ReplyApproval
from tests.conftest import mention_payload, signed_delivery
from tests.fakes.fixtures import fixture_json
from tests.fakes.meta import APP_SECRET, PAGE_ID, PAGE_TOKEN, VERIFY_TOKEN, FakeGraph
from tests.fakes.webhooks import body_of, deliver, meta_signature
from tickets.models import Message, Queue, Ticket, TicketEvent


def client_for(name: str, *, role: str | None, queues: tuple[str, ...] = ()) -> Client:
    user = User.objects.create_user(name)
    if role:
        user.groups.add(Group.objects.get(name=role))
    user.desk_queues.add(*Queue.objects.filter(slug__in=queues))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def notice_in_channel_profile(settings: Any) -> None:
    # The notice is given in the channel profile: replies go out exactly as written.
    settings.PRIVACY_DEFAULT_NOTICE_METHOD = "channel_profile"


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakeGraph().running() as fake:
        yield fake


@pytest.fixture
def comment_ticket(
    db: None, graph: FakeGraph, django_capture_on_commit_callbacks: Any
) -> tuple[Ticket, Message]:
    """A public Facebook comment delivered by Meta's webhook and ticketed."""
    channel = create_channel(
        kind="meta",
        name="Facebook & Instagram",
        values={
            "graph_url": graph.url,
            "app_secret": APP_SECRET,
            "verify_token": VERIFY_TOKEN,
            "page_tokens": f"{PAGE_ID}:{PAGE_TOKEN}",
        },
    )
    body = body_of(fixture_json("meta", "feed__comment"))
    response = deliver(
        channel,
        body,
        header="X-Hub-Signature-256",
        signature=meta_signature(APP_SECRET, body),
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    return ticket, Message.objects.get(direction=Message.Direction.INBOUND)


def test_hiding_a_comment_is_refused_to_staff_without_a_role(
    comment_ticket: tuple[Ticket, Message], graph: FakeGraph
) -> None:
    ticket, comment = comment_ticket
    nobody = client_for("no-role", role=None, queues=(ticket.queue.slug,))

    response = nobody.post(f"/tickets/{ticket.pk}/messages/{comment.pk}/hide/")

    assert response.status_code == 403
    assert not PlatformAction.objects.exists()
    assert graph.hidden == {}
    ticket.refresh_from_db()
    assert ticket.status != Ticket.Status.IGNORED


def test_hiding_a_comment_is_refused_to_an_agent_outside_the_tickets_queue(
    comment_ticket: tuple[Ticket, Message],
) -> None:
    ticket, comment = comment_ticket
    other_queue = client_for("sales-agent", role="agent", queues=("sales",))

    response = other_queue.post(f"/tickets/{ticket.pk}/messages/{comment.pk}/hide/")

    assert response.status_code == 404
    assert not PlatformAction.objects.exists()


def test_a_private_reply_is_refused_to_staff_without_a_role_or_the_queue(
    comment_ticket: tuple[Ticket, Message],
) -> None:
    ticket, comment = comment_ticket
    url = f"/tickets/{ticket.pk}/messages/{comment.pk}/private-reply/"

    no_role = client_for("no-role", role=None, queues=(ticket.queue.slug,))
    outside = client_for("sales-agent", role="agent", queues=("sales",))

    assert no_role.post(url, {"text": "Hi"}).status_code == 403
    assert outside.post(url, {"text": "Hi"}).status_code == 404
    assert not PlatformAction.objects.exists()


def test_a_private_reply_with_a_confidential_term_is_refused_and_audited(
    comment_ticket: tuple[Ticket, Message], graph: FakeGraph
) -> None:
    ticket, comment = comment_ticket
    ConfidentialTerm.objects.create(term="Project Falcon")
    agent = client_for("agent-1", role="agent", queues=(ticket.queue.slug,))

    response = agent.post(
        f"/tickets/{ticket.pk}/messages/{comment.pk}/private-reply/",
        {"text": "Project Falcon fixes this next week."},
        follow=True,
    )

    assert "confidential term" in response.content.decode()
    assert not PlatformAction.objects.exists()
    assert graph.messages == []
    assert TicketEvent.objects.filter(ticket=ticket, kind="private_reply_refused").exists()


def test_a_refusal_naming_the_term_reads_in_each_readers_language(
    comment_ticket: tuple[Ticket, Message],
) -> None:
    ticket, comment = comment_ticket
    ConfidentialTerm.objects.create(term="Project Falcon")
    german_agent = client_for("agent-de", role="agent", queues=(ticket.queue.slug,))
    french_manager = client_for("manager-fr", role="manager", queues=(ticket.queue.slug,))

    refused = german_agent.post(
        f"/tickets/{ticket.pk}/messages/{comment.pk}/private-reply/",
        {"text": "Project Falcon fixes this next week."},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="de",
    ).content.decode()

    assert "Der Text enthält einen vertraulichen Begriff: project falcon." in refused
    event = TicketEvent.objects.get(ticket=ticket, kind="private_reply_refused")
    assert event.note == "The text contains a confidential term: project falcon."
    trail = french_manager.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content
    assert "Le texte contient un terme confidentiel : project falcon." in trail.decode()


def test_a_rules_holding_reply_with_a_confidential_term_is_not_sent(
    deliver_mention: Callable[[str], Ticket],
) -> None:
    ConfidentialTerm.objects.create(term="Project Falcon")
    ReplyTemplate.objects.create(
        name="on it", language="", text="We are on it: Project Falcon ships the fix."
    )
    # updated_at tells every process to recompile the rule list, as the rule editor does.
    RoutingRule.objects.filter(label="technical").update(
        holding_reply="on it", updated_at=timezone.now()
    )

    ticket = deliver_mention("The app crashes since the update, error 500 on login.")

    assert ticket.queue.slug == "technical"
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    refusal = TicketEvent.objects.get(ticket=ticket, kind="holding_reply_refused")
    assert "project falcon" in refusal.note.lower()
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None


def test_a_ticket_routed_with_request_approval_cannot_be_answered_without_approval(
    deliver_mention: Callable[[str], Ticket], spokesperson_client: Client
) -> None:
    RoutingRule.objects.create(
        name="Legal threats need approval",
        position=1,
        text_contains="lawyer",
        request_approval=True,
        is_active=True,
    )
    ticket = deliver_mention("My lawyer will hear about this order")
    agent = client_for("agent-1", role="agent", queues=(ticket.queue.slug,))

    response = agent.post(
        f"/tickets/{ticket.pk}/reply/", {"text": "We are sorry.", "voice": "personal"}
    )

    assert response.status_code == 302
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    approval = ReplyApproval.objects.get(ticket=ticket)
    assert "routing rule" in approval.reason.lower()
    trail = agent.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Eine Routing-Regel verlangt für Antworten auf dieses Ticket die Freigabe" in trail

    spokesperson_client.post(f"/approvals/{approval.pk}/", {"decision": "approve"})

    sent = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert sent.text.startswith("We are sorry.")


@pytest.fixture
def deliver_mention(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> Callable[[str], Ticket]:
    """A signed mention on the generic webhook channel; the ticket it landed in."""
    counter = iter(range(1, 1000))

    def mention(text: str) -> Ticket:
        n = next(counter)
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_delivery(
                Client(), webhook_channel, mention_payload(f"p{n}", text), delivery=f"d{n}"
            )
        assert response.status_code == 200
        return Ticket.objects.get(conversation__messages__platform_id=f"p{n}")

    return mention

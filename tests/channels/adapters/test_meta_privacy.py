"""Erasure and retention reach what the platforms add: earlier texts of edited comments, the raw
edit events that carried new texts, and private replies to comments."""

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from channels.models import Channel, InboundEvent
from channels.platforms.models import MessageRevision, PlatformAction
from channels.services import create_channel
from desk.privacy.services.redaction import REDACTED
from desk.privacy.tasks import run_retention
from tests.fakes.fixtures import fixture_json
from tests.fakes.meta import APP_SECRET, IG_ID, PAGE_ID, PAGE_TOKEN, VERIFY_TOKEN, FakeGraph
from tests.fakes.webhooks import body_of, deliver, meta_signature
from tickets.models import Conversation, Message, Ticket

JANA = "6483927145021832"


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakeGraph().running() as fake:
        yield fake


@pytest.fixture
def channel(db: None, graph: FakeGraph) -> Channel:
    return create_channel(
        kind="meta",
        name="Facebook & Instagram",
        values={
            "graph_url": graph.url,
            "app_secret": APP_SECRET,
            "verify_token": VERIFY_TOKEN,
            "page_tokens": f"{PAGE_ID}:{PAGE_TOKEN}",
            "instagram_accounts": f"{IG_ID}:{PAGE_ID}",
        },
    )


@pytest.fixture
def send(channel: Channel, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    def post(payload: Any) -> Any:
        body = body_of(payload)
        response = deliver(
            channel,
            body,
            header="X-Hub-Signature-256",
            signature=meta_signature(APP_SECRET, body),
            capture=django_capture_on_commit_callbacks,
        )
        assert response.status_code == 200
        return response

    return post


@pytest.fixture
def manager(db: None, django_user_model: Any) -> Client:
    user = django_user_model.objects.create_user("mia")
    user.groups.add(Group.objects.get_or_create(name="manager")[0])
    client = Client()
    client.force_login(user)
    return client


def comment(name: str, *, by: tuple[str, str] = (JANA, "Jana Nowak"), post: str = "") -> Any:
    """A comment event; another author writes under another post (their own conversation)."""
    payload = fixture_json("meta", name)
    value = payload["entry"][0]["changes"][0]["value"]
    value["from"] = {"id": by[0], "name": by[1]}
    if post:
        value["post_id"] = value["parent_id"] = f"{PAGE_ID}_{post}"
        value["comment_id"] = f"{post}_1"
        if "post" in value:
            value["post"]["id"] = value["post_id"]
    return payload


def edited_by_two(send: Any) -> tuple[Message, Message]:
    """Jana and Piotr each comment and then edit their comment."""
    piotr = ("7000000000000001", "Piotr Kowal")
    for name in ("feed__comment", "feed__comment_edited"):
        send(comment(name))
        send(comment(name, by=piotr, post="207823442114161"))
    jana = Message.objects.get(author_identity__external_id=JANA)
    other = Message.objects.get(author_identity__external_id=piotr[0])
    assert jana.conversation_id != other.conversation_id
    return jana, other


def erase_contact(client: Client, message: Message, capture: Any) -> None:
    with capture(execute=True):
        response = client.post(
            "/api/v1/privacy/erasure-requests/",
            data=json.dumps({"contact": message.conversation.contact_id}),
            content_type="application/json",
        )
    assert response.status_code == 200, response.content


def test_erasure_removes_earlier_texts_of_edited_comments_and_their_raw_edit_events(
    send: Any, manager: Client, django_capture_on_commit_callbacks: Any
) -> None:
    jana, piotr = edited_by_two(send)

    erase_contact(manager, jana, django_capture_on_commit_callbacks)

    revision = MessageRevision.objects.get(message=jana)
    assert revision.previous_text == ""
    edit_event = InboundEvent.objects.get(pk=revision.inbound_event_id)
    assert (bytes(edit_event.body), edit_event.headers) == (b"", {})
    kept = MessageRevision.objects.get(message=piotr)
    assert "zalogować" in kept.previous_text
    assert "błąd 503" in bytes(InboundEvent.objects.get(pk=kept.inbound_event_id).body).decode()


def test_erasure_removes_the_text_of_a_private_reply_to_the_persons_comment(
    send: Any,
    manager: Client,
    staff_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    send(comment("feed__comment"))
    jana = Message.objects.get()
    ticket = Ticket.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            f"/tickets/{ticket.pk}/messages/{jana.pk}/private-reply/",
            {"text": "Pani Jano, prosimy o numer klienta."},
        )
    assert PlatformAction.objects.get().state == "done"

    erase_contact(manager, jana, django_capture_on_commit_callbacks)

    action = PlatformAction.objects.get()
    assert (action.text, action.state, action.kind) == (REDACTED, "done", "private_reply")


def test_retention_removes_earlier_texts_of_edited_comments_in_expired_conversations_only(
    send: Any,
) -> None:
    jana, piotr = edited_by_two(send)
    Conversation.objects.filter(pk=jana.conversation_id).update(
        last_activity_at=timezone.now() - timedelta(days=400)
    )

    run_retention.delay()

    assert MessageRevision.objects.get(message=jana).previous_text == ""
    assert "zalogować" in MessageRevision.objects.get(message=piotr).previous_text

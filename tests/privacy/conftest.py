from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from channels.models import Channel
from desk.privacy.models import ChannelNoticeConfig
from tests.conftest import StaffClient, mention_payload, post_json, signed_delivery
from tickets.models import Conversation, Message, Queue, Ticket


@pytest.fixture
def manager_client(db: None, django_user_model: Any) -> Client:
    user = django_user_model.objects.create_user("mia")
    user.groups.add(Group.objects.get_or_create(name="manager")[0])
    client = StaffClient()
    client.force_login(user)
    return client


@pytest.fixture
def agent_client(db: None, django_user_model: Any) -> Client:
    """A staff member who is not a manager but may answer publicly in the company's voice
    (a spokesperson working every queue; no password: hashing one costs a second a test)."""
    user = django_user_model.objects.create_user("agent")
    user.groups.add(Group.objects.get(name="spokesperson"))
    user.desk_queues.add(*Queue.objects.all())
    client = StaffClient()
    client.force_login(user)
    return client


@pytest.fixture
def mention(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> Callable[..., Message]:
    """Deliver one signed webhook mention and return the message it became."""

    def deliver(
        platform_id: str,
        text: str,
        *,
        author_id: str = "u1",
        name: str = "Ann",
        email: str = "",
        profile_url: str = "",
        channel: Channel | None = None,
        **extra: Any,
    ) -> Message:
        target = channel or webhook_channel
        payload = mention_payload(platform_id, text, author_id=author_id, name=name, **extra)
        payload["author"].update(email=email, url=profile_url)
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_delivery(Client(), target, payload, delivery=f"d-{platform_id}")
        assert response.status_code == 200
        return Message.objects.get(channel=target, platform_id=platform_id)

    return deliver


@pytest.fixture
def inquiry(api: Client) -> Callable[..., Message]:
    """Post one REST inquiry and return the message it became."""

    def post(text: str, *, name: str = "Ann", **fields: Any) -> Message:
        author = {"name": name, **fields.pop("author", {})}
        response = post_json(api, "/api/v1/inquiries/", {"text": text, "author": author, **fields})
        assert response.status_code == 201, response.content
        return Message.objects.get(pk=_message_of(response.json()["id"]))

    return post


def _message_of(inquiry_id: str) -> int:
    from desk.models import Inquiry

    return Inquiry.objects.get(pk=inquiry_id).message_id


@pytest.fixture
def reply(agent_client: Client, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    def send(conversation: Conversation, text: str) -> Any:
        ticket = Ticket.objects.filter(conversation=conversation).latest("pk")
        with django_capture_on_commit_callbacks(execute=True):
            return agent_client.post(
                f"/tickets/{ticket.pk}/reply/", {"text": text, "voice": "company"}
            )

    return send


def configure(channel: Channel, method: str, default_language: str = "en") -> None:
    ChannelNoticeConfig.objects.update_or_create(
        channel=channel, defaults={"method": method, "default_language": default_language}
    )


def age(conversation: Conversation, days: int) -> None:
    """Make the conversation's last activity lie this many days back."""
    Conversation.objects.filter(pk=conversation.pk).update(
        last_activity_at=timezone.now() - timedelta(days=days)
    )


def publish_by_command(
    folder: Path, *, language: str, text: str, days: int, basis: str = "GDPR art. 6(1)(f)"
) -> None:
    """Publish a notice version as an operator does: `manage.py privacy_notice publish`."""
    path = folder / f"notice-{language}.txt"
    path.write_text(text, encoding="utf-8")
    call_command(
        "privacy_notice",
        "publish",
        "--language",
        language,
        "--text-file",
        str(path),
        "--days",
        str(days),
        "--basis",
        basis,
        stdout=StringIO(),
    )

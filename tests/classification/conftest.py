from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from channels.models import Channel
from tests.conftest import mention_payload, signed_delivery
from tickets.models import Queue, Ticket

Deliver = Callable[..., Ticket | None]


@pytest.fixture
def deliver(webhook_channel: Channel, django_capture_on_commit_callbacks: Any) -> Deliver:
    """Deliver one signed mention through the webhook; return the ticket it landed in."""
    counter = iter(range(1, 100_000))

    def send(text: str, *, author_id: str = "u1", channel: Channel | None = None, **extra: Any):
        n = next(counter)
        target = channel or webhook_channel
        payload = mention_payload(f"p{n}", text, author_id=author_id, **extra)
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_delivery(Client(), target, payload, delivery=f"d{n}")
        assert response.status_code == 200, response.content
        return (
            Ticket.objects.filter(conversation__messages__platform_id=f"p{n}")
            .order_by("-id")
            .first()
        )

    return send


@pytest.fixture
def manager(db: None, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user(
        "manager", password="pw-manager-123", email="manager@example.org"
    )
    user.groups.add(Group.objects.get_or_create(name="manager")[0])
    user.desk_queues.add(*Queue.objects.all())
    return user


@pytest.fixture
def manager_client(manager: Any) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture(autouse=True)
def notice_in_channel_profile(settings: Any) -> None:
    """Holding replies are compared as the rule wrote them; the retention notice a first
    reply may carry is tested in tests/privacy."""
    settings.PRIVACY_DEFAULT_NOTICE_METHOD = "channel_profile"

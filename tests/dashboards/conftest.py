from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from channels.models import Channel
from desk.sla.defaults import ensure_default_policy
from desk.sla.models import SlaPolicy
from tests.conftest import signed_delivery


@pytest.fixture
def default_policy(db: None) -> SlaPolicy:
    return ensure_default_policy()


@pytest.fixture
def manager(db: None, django_user_model: Any) -> Any:
    # No password: hashing one costs a second on a small machine; the client logs in directly.
    user = django_user_model.objects.create_user("maria", email="maria@example.org")
    user.groups.add(Group.objects.get_or_create(name="manager")[0])
    return user


@pytest.fixture
def manager_client(manager: Any) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def deliver(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> Callable[..., Any]:
    """Deliver a signed webhook mention to a channel (the partner webhook by default)."""
    counter = iter(range(1, 100_000))

    def send(payload: Any, channel: Channel | None = None) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_delivery(
                Client(), channel or webhook_channel, payload, delivery=f"d{next(counter)}"
            )
        assert response.status_code == 200
        return response

    return send

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from channels.models import Channel
from desk.sla.defaults import ensure_default_policy
from desk.sla.models import SlaPolicy
from tests.conftest import StaffClient, signed_delivery
from tickets.models import Queue


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Cached figures are keyed by the instant of the last refresh; tests travel to the same
    instants, so one test's figures must not be read by the next from a shared Redis."""
    cache.clear()


@pytest.fixture
def default_policy(db: None) -> SlaPolicy:
    return ensure_default_policy()


@pytest.fixture
def manager(db: None, django_user_model: Any) -> Any:
    # No password: hashing one costs a second on a small machine; the client logs in directly.
    user = django_user_model.objects.create_user("maria", email="maria@example.org")
    # A manager who also speaks for the company, so the figures' replies go out directly.
    user.groups.add(*Group.objects.filter(name__in=["manager", "spokesperson"]))
    user.desk_queues.add(*Queue.objects.all())
    return user


@pytest.fixture
def staff_client(spokesperson_client: Client) -> Client:
    """Replies in these tests answer public posts: as a spokesperson (see tests/triage)."""
    return spokesperson_client


@pytest.fixture
def manager_client(manager: Any) -> Client:
    client = StaffClient()
    client.force_login(manager)
    # The first page stores the user's preferences in the session; done now, no request made
    # while travelling in time saves the session with an expiry in the past.
    client.get("/")
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

from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from channels.models import Channel
from desk.sla.defaults import ensure_default_policy
from tests.conftest import StaffClient, mention_payload, signed_delivery
from tickets.models import Queue, Ticket

StaffFactory = Callable[..., tuple[User, Client]]
MentionFactory = Callable[..., Ticket]


@pytest.fixture
def staff(db: None) -> StaffFactory:
    """A logged-in staff member with a role, working the given queues."""

    def make(
        role: str = "agent", *, queues: tuple[str, ...] = ("inbound", "technical"), name: str = ""
    ) -> tuple[User, Client]:
        user = User.objects.create_user(name or f"{role}-{User.objects.count()}")
        if role:
            user.groups.add(Group.objects.get(name=role))
        user.desk_queues.add(*Queue.objects.filter(slug__in=queues))
        client = StaffClient()
        client.force_login(user)
        return user, client

    return make


@pytest.fixture
def mention(db: None, webhook_channel: Channel, request: pytest.FixtureRequest) -> MentionFactory:
    """A mention delivered through the signed webhook; its ticket.

    In transactional tests (live server) commits are real; otherwise the on-commit
    processing is run explicitly.
    """
    transactional = "transactional_db" in request.fixturenames or "live_server" in (
        request.fixturenames
    )
    capture = (
        None if transactional else request.getfixturevalue("django_capture_on_commit_callbacks")
    )
    # The migration's default SLA policy; a test that flushed the database removed it.
    ensure_default_policy()
    counter = iter(range(1, 1_000_000))

    def make(
        text: str = "Where is my parcel?",
        *,
        private: bool = False,
        name: str = "Ann Example",
        author_id: str = "",
        sentiment: str = "",
        **extra: Any,
    ) -> Ticket:
        n = next(counter)
        payload = mention_payload(
            f"post-{n}", text, author_id=author_id or f"author-{n}", name=name, **extra
        )
        if private:
            payload["private"] = True
        context = capture(execute=True) if capture else nullcontext()
        with context:
            response = signed_delivery(Client(), webhook_channel, payload, delivery=f"d-{n}")
        assert response.status_code == 200
        ticket = Ticket.objects.order_by("-id").first()
        assert ticket is not None
        if sentiment:
            # The classifier (another issue) decides sentiment; tests set it directly.
            Ticket.objects.filter(pk=ticket.pk).update(sentiment=sentiment)
            ticket.refresh_from_db()
        return ticket

    return make


@pytest.fixture(autouse=True)
def notice_in_channel_profile(settings: Any) -> None:
    """Composer tests compare replies as written; the retention notice that a first reply
    may carry is tested in tests/privacy."""
    settings.PRIVACY_DEFAULT_NOTICE_METHOD = "channel_profile"

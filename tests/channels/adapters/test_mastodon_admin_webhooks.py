"""Mastodon admin webhooks, for a company running its own instance: a post mentioning the
account becomes a ticket at once, an edit applies; deliveries are signed with the secret."""

import hashlib
import hmac
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from channels.models import Channel, InboundEvent
from channels.platforms.models import MessageRevision
from channels.services import create_channel
from tests.fakes.fixtures import fixture_json
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.fakes.webhooks import body_of, deliver
from tickets.models import Message, Ticket

SECRET = "mastodon-admin-webhook-secret"
STATUS_ID = "112033411948221876"


@pytest.fixture
def mastodon() -> Iterator[FakeMastodon]:
    with FakeMastodon().running() as fake:
        yield fake


@pytest.fixture
def channel(db: None, mastodon: FakeMastodon) -> Channel:
    return create_channel(
        kind="mastodon",
        name="Mastodon",
        values={"instance_url": mastodon.url, "access_token": TOKEN, "webhook_secret": SECRET},
    )


@pytest.fixture
def send(channel: Channel, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    def post(name: str, *, secret: str = SECRET) -> Any:
        body = body_of(fixture_json("mastodon", name))
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return deliver(
            channel,
            body,
            header="X-Hub-Signature",
            signature=signature,
            capture=django_capture_on_commit_callbacks,
        )

    return post


def test_a_post_mentioning_us_becomes_a_ticket_and_its_edit_applies(send: Any) -> None:
    assert send("admin__status_created").status_code == 200
    assert Ticket.objects.count() == 1

    send("admin__status_updated")

    message = Message.objects.get(platform_id=STATUS_ID)
    assert message.text == "@infopark Die App stürzt beim Start ab (4.2.1)."
    assert message.revisions.get().kind == MessageRevision.Kind.EDITED


def test_posts_not_mentioning_us_and_reports_are_recorded_as_ignored(send: Any) -> None:
    send("admin__status_created_unrelated")
    send("admin__report_created")

    states = list(InboundEvent.objects.order_by("id").values_list("state", "last_error"))
    assert states == [
        ("ignored", "a post on the instance that does not mention us"),
        ("ignored", "a moderation report"),
    ]
    assert not Message.objects.exists()


def test_a_delivery_with_a_wrong_signature_is_refused(send: Any) -> None:
    response = send("admin__status_created", secret="guess")

    assert response.status_code == 403
    assert not InboundEvent.objects.exists()

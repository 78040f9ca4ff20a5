"""Threads: recorded webhook deliveries in; replies, hiding and unhiding out against a fake
Threads API on 127.0.0.1, with the daily reply quota checked before anything is sent."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from channels.models import Channel, InboundEvent
from channels.platforms.models import PlatformAction
from channels.services import create_channel
from channels.tasks import deliver_message
from tests.fakes.fixtures import fixture_json
from tests.fakes.threads import (
    APP_SECRET,
    TOKEN,
    USER_ID,
    USERNAME,
    VERIFY_TOKEN,
    FakeThreads,
)
from tests.fakes.webhooks import body_of, deliver, meta_signature
from tickets.models import Message, Ticket

HEADER = "X-Hub-Signature-256"
REPLY_ID = "18060000000000101"


@pytest.fixture
def threads() -> Iterator[FakeThreads]:
    with FakeThreads().running() as fake:
        yield fake


def threads_channel(name: str, fake: FakeThreads, user_id: str = USER_ID) -> Channel:
    return create_channel(
        kind="threads",
        name=name,
        values={
            "api_url": fake.url,
            "user_id": user_id,
            "username": USERNAME,
            "access_token": TOKEN,
            "app_secret": APP_SECRET,
            "verify_token": VERIFY_TOKEN,
        },
    )


@pytest.fixture
def channel(db: None, threads: FakeThreads) -> Channel:
    return threads_channel("Threads", threads)


@pytest.fixture
def send(channel: Channel, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    def post(payload: Any, *, secret: str = APP_SECRET, to: Channel | None = None) -> Any:
        body = body_of(payload)
        return deliver(
            to or channel,
            body,
            header=HEADER,
            signature=meta_signature(secret, body),
            capture=django_capture_on_commit_callbacks,
        )

    return post


def event(name: str) -> dict[str, Any]:
    return fixture_json("threads", name)


def test_the_verification_handshake_echoes_the_challenge(channel: Channel) -> None:
    response = Client().get(
        channel.webhook_path,
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "8812"},
    )

    assert response.content == b"8812"


def test_a_reply_to_our_post_becomes_a_ticket_with_its_author_and_link(send: Any) -> None:
    response = send(event("replies__reply"))

    assert response.status_code == 200
    message = Message.objects.get(platform_id=REPLY_ID)
    assert message.text.startswith("Seit dem Update synchronisiert der Kalender nicht mehr.")
    assert message.author_identity.handle == "@lena.schreiber"
    assert message.url == "https://www.threads.net/@lena.schreiber/post/DCx1a2B3c4D"
    assert Ticket.objects.count() == 1


def test_a_mention_becomes_a_ticket(send: Any) -> None:
    send(event("mentions__mention"))

    assert Message.objects.get().author_identity.handle == "@piotr_k"
    assert Ticket.objects.count() == 1


def test_a_delivery_signed_with_another_secret_is_refused(send: Any) -> None:
    response = send(event("replies__reply"), secret="guess")

    assert response.status_code == 403
    assert not InboundEvent.objects.exists()


def test_known_fields_are_ignored_and_unknown_ones_kept_as_unsupported(send: Any) -> None:
    send(event("publish__own_post"))
    send(event("insights__unknown"))

    states = list(InboundEvent.objects.order_by("id").values_list("state", "last_error"))
    assert states == [
        ("ignored", "a post of ours published"),
        ("unsupported", "unknown Threads webhook field 'insights'"),
    ]


def test_our_reply_is_published_in_the_thread_and_its_echo_is_no_ticket(
    send: Any, threads: FakeThreads, reply_to: Any
) -> None:
    send(event("replies__reply"))

    sent = reply_to(Ticket.objects.get(), "Ein Update mit der Korrektur kommt morgen.")

    assert sent.delivery_state == "sent"
    assert threads.published[0]["reply_to_id"] == REPLY_ID
    assert threads.published[0]["text"] == "Ein Update mit der Korrektur kommt morgen."
    assert sent.platform_id == threads.published[0]["id"]
    assert sent.url.startswith("https://www.threads.net/@infopark/post/")
    echo = event("replies__own_reply")
    echo["values"]["value"]["id"] = sent.platform_id
    send(echo)
    assert Message.objects.count() == 2
    assert Ticket.objects.count() == 1


def test_no_reply_is_sent_when_the_daily_reply_quota_is_used_up(
    send: Any, threads: FakeThreads, reply_to: Any
) -> None:
    send(event("replies__reply"))
    threads.replies_used = threads.reply_quota_total

    sent = reply_to(Ticket.objects.get(), "Wir kümmern uns.")

    assert sent.delivery_state == "queued"
    assert "1000 replies in 24 hours" in sent.delivery_error
    assert not threads.calls(f"/v1.0/{USER_ID}/threads", "POST")
    threads.replies_used = 10
    deliver_message.apply(args=(sent.pk,))
    sent.refresh_from_db()
    assert sent.delivery_state == "sent"
    assert len(threads.published) == 1


def test_hiding_a_reply_hides_it_on_threads_and_unhiding_shows_it_again(
    send: Any,
    threads: FakeThreads,
    channel: Channel,
    staff_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    send(event("replies__reply"))
    ticket, message = Ticket.objects.get(), Message.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/tickets/{ticket.pk}/messages/{message.pk}/hide/")

    assert PlatformAction.objects.get().state == "done"
    assert threads.hidden == {REPLY_ID: True}
    channel.adapter().unhide_comment(REPLY_ID)
    assert threads.hidden == {REPLY_ID: False}


def test_a_revoked_token_fails_the_reply_and_disables_the_channel(
    send: Any, threads: FakeThreads, channel: Channel, reply_to: Any
) -> None:
    send(event("replies__reply"))
    threads.token = "renewed-elsewhere"

    sent = reply_to(Ticket.objects.get(), "Wir kümmern uns.")

    assert sent.delivery_state == "failed"
    channel.refresh_from_db()
    assert not channel.is_active
    assert "Threads rejected the access token" in channel.why_disabled


def test_one_app_serving_two_profiles_routes_each_event_to_its_profiles_channel(
    send: Any, threads: FakeThreads, channel: Channel
) -> None:
    other = threads_channel("Threads careers", threads, user_id="17841400000000077")
    payload = event("mentions__mention")
    payload["target_id"] = "17841400000000077"

    send(payload)

    assert Message.objects.get().channel == other
    assert not InboundEvent.objects.filter(channel=channel).exists()

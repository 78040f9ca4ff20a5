"""Mastodon in real time: the user stream from a fake instance on 127.0.0.1 delivers
mentions, edits and deletions; what arrived while the consumer was down is read over REST
when it reconnects, and nothing is stored twice."""

import copy
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import CommandError

from channels.models import Channel, InboundEvent
from channels.platforms.models import MessageRevision, StreamCursor
from channels.platforms.revisions import REMOVED_TEXT
from channels.services import create_channel
from tests.channels.conftest import run_command
from tests.fakes.fixtures import fixture_json
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.fakes.streams import FakeMastodonStream
from tickets.models import Message, Ticket

STATUS_ID = "112033411948221876"


@pytest.fixture
def mastodon() -> Iterator[FakeMastodon]:
    with FakeMastodon().running() as fake:
        yield fake


@pytest.fixture
def stream() -> Iterator[FakeMastodonStream]:
    with FakeMastodonStream().running() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def channel(db: None, mastodon: FakeMastodon, stream: FakeMastodonStream) -> Channel:
    return create_channel(
        kind="mastodon",
        name="Mastodon",
        values={
            "instance_url": mastodon.url,
            "access_token": TOKEN,
            "streaming_url": stream.url,
            "realtime": "true",
        },
    )


def mention(number: int) -> dict[str, Any]:
    notification = copy.deepcopy(fixture_json("mastodon", "notification__mention"))
    notification["id"] = str(34975861 + number)
    notification["status"]["id"] = str(112033411948221876 + number)
    notification["status"]["content"] = f"<p>@infopark Frage Nummer {number}</p>"
    return notification


def live(stream: FakeMastodonStream, mastodon: FakeMastodon, items: list[Any]) -> None:
    """Once the consumer listens, each item happens on the instance: a mention (kept by the
    REST side too), an edit or a deletion."""
    count = len(stream.connections) + 1

    def run() -> None:
        while len(stream.connections) < count:
            time.sleep(0.005)
        for item in items:
            if isinstance(item, dict):
                mastodon.add_notification(item)
                stream.notification(item)
            else:
                item()
            time.sleep(0.003)

    threading.Thread(target=run, daemon=True).start()


def test_a_streamed_mention_becomes_a_ticket(
    channel: Channel, mastodon: FakeMastodon, stream: FakeMastodonStream, consume: Any
) -> None:
    live(stream, mastodon, [fixture_json("mastodon", "notification__mention")])

    consume(channel, until=lambda: stream.sent >= 1)

    message = Message.objects.get(platform_id=STATUS_ID)
    assert message.author_identity.handle == "@anna@chaos.social"
    assert "Seit dem Update stürzt die App beim Start ab" in message.text
    assert InboundEvent.objects.get().source == "stream"
    assert Ticket.objects.count() == 1


def test_an_edit_and_a_deletion_on_the_instance_apply_to_the_message(
    channel: Channel, mastodon: FakeMastodon, stream: FakeMastodonStream, consume: Any
) -> None:
    first = fixture_json("mastodon", "notification__mention")
    edited = {
        **first["status"],
        "content": "<p>@infopark Die App stürzt ab (Version 4.2.1).</p>",
        "edited_at": "2026-03-02T09:20:00.000Z",
    }
    live(stream, mastodon, [first, lambda: stream.status_update(edited)])
    consume(channel, until=lambda: stream.sent >= 2)
    message = Message.objects.get(platform_id=STATUS_ID)
    assert message.text == "@infopark Die App stürzt ab (Version 4.2.1)."
    assert message.revisions.get().kind == MessageRevision.Kind.EDITED

    live(stream, mastodon, [lambda: stream.delete(STATUS_ID)])
    consume(channel, until=lambda: stream.sent >= 3)

    message.refresh_from_db()
    assert message.text == REMOVED_TEXT
    assert message.revisions.filter(kind=MessageRevision.Kind.REMOVED).exists()


def test_mentions_made_while_the_consumer_was_down_are_read_on_reconnect_once(
    channel: Channel, mastodon: FakeMastodon, stream: FakeMastodonStream, consume: Any
) -> None:
    live(stream, mastodon, [mention(n) for n in range(0, 5)])
    consume(channel, until=lambda: stream.sent >= 5)
    # Down: the instance keeps the mentions; its stream has no one to send them to.
    for n in range(5, 12):
        mastodon.add_notification(mention(n))
    live(stream, mastodon, [mention(n) for n in range(12, 20)])

    consume(channel, until=lambda: stream.sent >= 13)

    stored = list(InboundEvent.objects.values_list("delivery_id", flat=True))
    assert len(stored) == len(set(stored)) == 20
    assert Message.objects.count() == 20
    assert StreamCursor.objects.get(channel=channel).cursor == {"notification": "34975880"}


def test_a_revoked_token_stops_the_consumer_and_disables_the_channel_with_the_reason(
    channel: Channel, stream: FakeMastodonStream, consume: Any
) -> None:
    channel.credentials = {"access_token": "revoked"}
    channel.save()

    consume(channel, until=lambda: False, seconds=10)

    channel.refresh_from_db()
    assert not channel.is_active
    assert "401 The access token is invalid" in channel.why_disabled
    assert not InboundEvent.objects.exists()


def test_the_stream_consumer_command_reads_a_channel_and_reports_what_it_stored(
    channel: Channel,
    mastodon: FakeMastodon,
    stream: FakeMastodonStream,
    django_capture_on_commit_callbacks: Any,
) -> None:
    live(stream, mastodon, [mention(1), mention(2)])

    with django_capture_on_commit_callbacks(execute=True):
        output = run_command("stream_consumer", "--channel", channel.name, "--max-seconds", "3")

    assert output == "Mastodon: 2 events stored\n"
    assert Ticket.objects.count() == 2


def test_the_command_refuses_a_channel_without_a_stream(db: None) -> None:
    create_channel(kind="webhook", name="Partner", values={"secret": "s"})

    with pytest.raises(CommandError, match="Signed JSON webhook channels have no stream"):
        run_command("stream_consumer", "--channel", "Partner")

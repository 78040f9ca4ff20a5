"""Bluesky through Jetstream: recorded messages from a fake Jetstream on 127.0.0.1 become
tickets, edits and removals; a restarted consumer resumes at its cursor."""

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from channels.models import Channel, InboundEvent
from channels.platforms.models import MessageRevision, StreamCursor
from channels.services import create_channel
from tests.channels.streams.conftest import ws_url
from tests.fakes.bluesky import APP_PASSWORD, HANDLE, FakeBluesky
from tests.fakes.fixtures import fixture_json
from tests.fakes.streams import FakeJetstream
from tickets.models import Message, Ticket

LENA = "did:plc:l3nas7kqpx2vq4k6d5wz3cbr"
MENTION_URI = f"at://{LENA}/app.bsky.feed.post/3lbqa7xlvyk2c"


@pytest.fixture
def bluesky() -> Iterator[FakeBluesky]:
    with FakeBluesky().running() as fake:
        yield fake


@pytest.fixture
def jetstream() -> Iterator[FakeJetstream]:
    with FakeJetstream().running() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def channel(db: None, bluesky: FakeBluesky, jetstream: FakeJetstream) -> Channel:
    return create_channel(
        kind="bluesky",
        name="Bluesky",
        values={
            "service_url": bluesky.url,
            "handle": HANDLE,
            "app_password": APP_PASSWORD,
            "jetstream_url": ws_url(jetstream, "/subscribe"),
            "realtime": "true",
        },
    )


def recorded(name: str) -> dict[str, Any]:
    return fixture_json("bluesky", f"jetstream__{name}")


def connected(jetstream: FakeJetstream, count: int = 1) -> Callable[[], bool]:
    return lambda: len(jetstream.connections) >= count


def once_connected(jetstream: FakeJetstream, events: list[Any]) -> None:
    """Publish live, as Jetstream does, once the consumer listens (no cursor: live tail)."""
    count = len(jetstream.connections) + 1

    def run() -> None:
        while len(jetstream.connections) < count:
            time.sleep(0.005)
        for event in events:
            jetstream.publish(event)

    threading.Thread(target=run, daemon=True).start()


def test_a_mention_and_a_reply_read_from_jetstream_become_one_ticket_each_with_names(
    channel: Channel, jetstream: FakeJetstream, consume: Any
) -> None:
    # Someone else's post is on the firehose too, and not ours.
    other = jetstream.post("did:plc:someoneelse000000000000", "3x1", "Guten Morgen")
    once_connected(jetstream, [recorded("mention"), recorded("reply"), recorded("identity"), other])

    consume(channel, until=lambda: jetstream.sent >= 4, seconds=10)

    assert set(InboundEvent.objects.values_list("delivery_id", flat=True)) == {
        MENTION_URI,
        f"at://{LENA}/app.bsky.feed.post/3lbqa8cclyk2c",
    }
    mention = Message.objects.get(platform_id=MENTION_URI)
    assert mention.text.startswith("@infopark.bsky.social die Synchronisierung hängt")
    assert mention.author_identity.handle.startswith("@l3nas7kq")
    assert mention.url.endswith("/post/3lbqa7xlvyk2c")
    assert Ticket.objects.count() == 2


def test_an_edit_and_a_deletion_on_bluesky_apply_to_the_stored_messages(
    channel: Channel, jetstream: FakeJetstream, consume: Any
) -> None:
    once_connected(jetstream, [recorded(n) for n in ("mention", "reply", "update", "delete")])

    consume(channel, until=lambda: jetstream.sent >= 4, seconds=10)

    edited = Message.objects.get(platform_id=MENTION_URI)
    assert "(Version 4.2.1)" in edited.text
    assert edited.revisions.get().kind == MessageRevision.Kind.EDITED
    removed = Message.objects.get(platform_id=f"at://{LENA}/app.bsky.feed.post/3lbqa8cclyk2c")
    assert removed.revisions.get().kind == MessageRevision.Kind.REMOVED
    assert "Android" not in removed.text


def test_the_cursor_is_the_last_events_time_and_the_next_connection_resumes_there(
    channel: Channel, jetstream: FakeJetstream, consume: Any
) -> None:
    once_connected(jetstream, [recorded("mention")])
    consume(channel, until=lambda: jetstream.sent >= 1, seconds=10)
    cursor = StreamCursor.objects.get(channel=channel).cursor

    consume(channel, until=connected(jetstream, 2), seconds=10)

    assert cursor == {"time_us": recorded("mention")["time_us"]}
    assert jetstream.connections[-1]["query"]["cursor"] == str(cursor["time_us"])
    assert jetstream.connections[-1]["query"]["wantedCollections"] == "app.bsky.feed.post"
    assert InboundEvent.objects.count() == 1


def test_a_malformed_message_is_skipped_with_the_error_recorded_and_reading_goes_on(
    channel: Channel, jetstream: FakeJetstream, consume: Any
) -> None:
    once_connected(jetstream, ["{not json", recorded("mention")])

    consume(channel, until=lambda: jetstream.sent >= 2, seconds=10)

    assert Message.objects.get().platform_id == MENTION_URI
    channel.refresh_from_db()
    assert "unreadable stream message skipped" in channel.last_error


def burst(jetstream: FakeJetstream, size: int) -> tuple[list[dict[str, Any]], set[str]]:
    """`size` posts on the firehose, every third one mentioning us."""
    events, ours = [], set()
    for n in range(size):
        did = f"did:plc:burst{n:019d}"
        events.append(jetstream.post(did, f"3b{n:06d}", f"post {n}", mention=n % 3 == 0))
        if n % 3 == 0:
            ours.add(f"at://{did}/app.bsky.feed.post/3b{n:06d}")
    return events, ours


def test_a_consumer_stopped_in_the_middle_of_a_burst_resumes_without_gap_or_duplicate(
    channel: Channel, jetstream: FakeJetstream, consume: Any
) -> None:
    events, ours = burst(jetstream, 300)
    # The first run has read the cursor's start (the live end) when the burst begins.
    once_connected(jetstream, [])
    threading.Thread(
        target=lambda: (
            [time.sleep(0.005) for _ in iter(lambda: not jetstream.connections, False)],
            jetstream.publish_burst(events, every=0.003),
        ),
        daemon=True,
    ).start()

    consume(channel, until=lambda: jetstream.sent >= 90, seconds=10, grace=0)
    first_run = InboundEvent.objects.count()
    consume(channel, until=lambda: len(jetstream.timeline) == 300, seconds=60, grace=1.0)

    assert 0 < first_run < len(ours)
    stored = list(InboundEvent.objects.values_list("delivery_id", flat=True))
    assert len(stored) == len(set(stored)) == len(ours)
    assert set(stored) == ours
    assert Message.objects.filter(channel=channel).count() == len(ours)

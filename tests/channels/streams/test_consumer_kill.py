"""Killing a stream consumer (SIGKILL, no chance to save anything) in the middle of a burst
and starting it again loses nothing and stores nothing twice.

The consumer runs as `manage.py stream_consumer` in its own process against the test
database, so it needs PostgreSQL (the SQLite test database lives in this process's memory);
tests/channels/streams/test_jetstream.py and test_mastodon_stream.py cover the same on SQLite
with a stopped, not killed, consumer.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from channels.models import Channel, InboundEvent
from channels.services import create_channel
from tests.channels.streams.conftest import ws_url
from tests.channels.streams.test_jetstream import burst
from tests.channels.streams.test_mastodon_stream import mention
from tests.conftest import skip_or_fail
from tests.fakes.bluesky import APP_PASSWORD, HANDLE, FakeBluesky
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.fakes.streams import FakeJetstream, FakeMastodonStream
from tests.test_celery_worker import database_url

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def postgres(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL): the consumer runs in its own process")


@pytest.fixture
def start_consumer() -> Iterator[Callable[[Channel], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "CREDENTIALS_KEYS": ",".join(settings.CREDENTIALS_KEYS),
        "OUTBOUND_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        # Processing runs in the consumer's process after each commit, as in eager mode.
        "CELERY_TASK_ALWAYS_EAGER": "1",
    }

    def start(channel: Channel) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "stream_consumer", "--channel", str(channel.pk)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        output, _ = process.communicate(timeout=30)
        sys.stdout.write(output.decode(errors="replace")[-2000:])


def wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def stored_ids(channel: Channel) -> list[str]:
    return list(InboundEvent.objects.filter(channel=channel).values_list("delivery_id", flat=True))


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def test_a_killed_jetstream_consumer_restarted_mid_burst_loses_and_duplicates_nothing(
    postgres: None, start_consumer: Any
) -> None:
    with FakeBluesky().running() as bluesky, FakeJetstream().running() as jetstream:
        channel = create_channel(
            kind="bluesky",
            name="Bluesky",
            values={
                "service_url": bluesky.url,
                "handle": HANDLE,
                "app_password": APP_PASSWORD,
                "jetstream_url": ws_url(jetstream, "/subscribe"),
            },
        )
        events, ours = burst(jetstream, 600)  # type: ignore[arg-type]
        first = start_consumer(channel)
        assert wait_for(lambda: len(jetstream.connections) == 1, 60), "no connection"
        jetstream.publish_burst(events, every=0.004)

        assert wait_for(lambda: len(stored_ids(channel)) >= 40, 60)
        kill(first)
        at_kill = len(stored_ids(channel))
        start_consumer(channel)
        assert wait_for(lambda: len(stored_ids(channel)) >= len(ours), 90)
        time.sleep(1)

    assert 0 < at_kill < len(ours)
    assert len(jetstream.connections) == 2
    assert "cursor" in jetstream.connections[1]["query"]
    stored = stored_ids(channel)
    assert len(stored) == len(set(stored)) == len(ours)
    assert set(stored) == ours


def test_a_killed_mastodon_consumer_restarted_mid_burst_loses_and_duplicates_nothing(
    postgres: None, start_consumer: Any
) -> None:
    with FakeMastodon().running() as mastodon, FakeMastodonStream().running() as stream:
        channel = create_channel(
            kind="mastodon",
            name="Mastodon",
            values={
                "instance_url": mastodon.url,
                "access_token": TOKEN,
                "streaming_url": stream.url,
            },
        )
        first = start_consumer(channel)
        assert wait_for(lambda: len(stream.connections) == 1, 60), "no connection"
        expected = set()
        for n in range(150):
            item = mention(n)  # type: ignore[arg-type]
            mastodon.add_notification(item)
            stream.notification(item)
            expected.add(f"notification:{item['id']}")
            if n == 50:
                assert wait_for(lambda: len(stored_ids(channel)) >= 10, 60)
                kill(first)
            if n == 100:
                start_consumer(channel)
            time.sleep(0.01)
        assert wait_for(lambda: len(stored_ids(channel)) >= len(expected), 90)
        time.sleep(1)

    stored = stored_ids(channel)
    assert len(stored) == len(set(stored)) == len(expected)
    assert set(stored) == expected

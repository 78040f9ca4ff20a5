import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from channels.models import Channel
from channels.streams.consumer import Consumer
from tests.fakes.streams import FakeStream


@pytest.fixture
def consume(django_capture_on_commit_callbacks: Any) -> Callable[..., int]:
    """Run a channel's consumer in this thread until `until()` holds (checked by a watcher)
    and the consumer has then read nothing new for `grace` seconds, or `seconds` pass; what
    it stored is processed when it stops, as the desk would.

    Waiting for the consumer to go quiet, rather than a fixed pause after the fake sent its
    last message, keeps the tests exact on a loaded machine, where reading lags sending."""

    def run(
        channel: Channel, *, until: Callable[[], bool], seconds: float = 15, grace: float = 0.3
    ) -> int:
        stop = threading.Event()
        consumer = Consumer(channel, stop=stop)

        def progress() -> tuple[int, str]:
            return consumer.stored, repr(getattr(consumer, "cursor", None))

        def watch() -> None:
            deadline = time.monotonic() + seconds
            while not until() and time.monotonic() < deadline:
                time.sleep(0.01)
            seen, quiet_since = progress(), time.monotonic()
            while time.monotonic() - quiet_since < grace and time.monotonic() < deadline:
                time.sleep(0.02)
                if progress() != seen:
                    seen, quiet_since = progress(), time.monotonic()
            stop.set()

        threading.Thread(target=watch, daemon=True).start()
        with django_capture_on_commit_callbacks(execute=True):
            return consumer.run(max_seconds=seconds + 5)

    return run


def ws_url(fake: FakeStream, path: str = "") -> str:
    return fake.url.replace("http://", "ws://") + path

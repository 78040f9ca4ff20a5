"""A real Celery worker, against Redis and the test database, turns a delivery into a ticket."""

import math
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client

from channels.models import Channel, InboundEvent
from desk.classification.models import MentionCount
from desk.config import celery_app
from desk.ingestion import counting, tasks
from desk.ingestion.tasks import DRAIN_ASKED_KEY
from tests.conftest import mention_payload, signed_delivery, skip_or_fail
from tickets.models import Message, Ticket

pytestmark = pytest.mark.worker
ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def broker_queue(transactional_db: None) -> Iterator[tuple[str, Callable[[], None]]]:
    """A queue of this test's own on Redis, and a function that starts a real worker on it."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        skip_or_fail("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    # A drain asked for by an earlier test went to that test's queue, which no worker reads:
    # its flag, alive for a few seconds, would keep this test's deliveries from asking.
    cache.delete(DRAIN_ASKED_KEY)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    workers: list[subprocess.Popen[bytes]] = []

    def start_worker() -> None:
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "desk.config",
                    "worker",
                    "--pool",
                    "solo",
                    "--loglevel",
                    "INFO",
                    "-Q",
                    queue,
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        )

    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False
    try:
        yield queue, start_worker
    finally:
        # An ask still owed goes to this test's queue, not eagerly into the next test.
        tasks.drain_asks.flush()
        counting.counted_in_windows.flush()
        celery_app.conf.task_default_queue = previous_queue
        redis.Redis.from_url(settings.REDIS_URL).delete(queue)
        for worker in workers:
            worker.terminate()
            output, _ = worker.communicate(timeout=30)
            sys.stdout.write(output.decode(errors="replace")[-3000:])


@pytest.fixture
def celery_worker(broker_queue: tuple[str, Callable[[], None]]) -> str:
    queue, start_worker = broker_queue
    start_worker()
    return queue


def wait_for(predicate: Any, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_real_worker_turns_a_webhook_delivery_into_a_ticket(celery_worker: str) -> None:
    channel = Channel.objects.create(
        kind="webhook", name="Partner", credentials={"secret": "s3cret"}
    )
    response = signed_delivery(
        Client(), channel, mention_payload("p1", "The app crashes on start"), delivery="d1"
    )
    assert response.status_code == 200

    assert wait_for(lambda: Ticket.objects.exists()), "the worker did not create a ticket"
    ticket = Ticket.objects.get()
    assert ticket.queue.slug == "technical"
    assert InboundEvent.objects.get().state == InboundEvent.State.DONE


def test_a_burst_of_deliveries_asks_for_one_drain_that_tickets_them_all(
    broker_queue: tuple[str, Callable[[], None]],
) -> None:
    queue, start_worker = broker_queue
    channel = Channel.objects.create(
        kind="webhook", name="Partner", credentials={"secret": "s3cret"}
    )
    client = Client()
    for n in range(6):
        payload = mention_payload(f"p{n}", f"The app crashes, report {n}", author_id=f"u{n}")
        assert signed_delivery(client, channel, payload, delivery=f"d{n}").status_code == 200

    # One drain asked for while none has started, not a task per delivery.
    assert redis.Redis.from_url(settings.REDIS_URL).llen(queue) == 1
    start_worker()

    assert wait_for(lambda: Ticket.objects.count() == 6), "the drain did not ticket them all"
    assert set(InboundEvent.objects.values_list("state", flat=True)) == {"done"}
    assert Message.objects.count() == 6


def test_a_steady_stream_asks_redis_once_per_window_and_every_event_is_ticketed(
    celery_worker: str,
) -> None:
    channel = Channel.objects.create(
        kind="webhook", name="Partner", credentials={"secret": "s3cret"}
    )
    client = Client()
    started = time.monotonic()
    with mock.patch.object(cache, "add", wraps=cache.add) as asked:
        for n in range(20):
            payload = mention_payload(f"p{n}", f"Is the app down? ({n})", author_id=f"u{n}")
            assert signed_delivery(client, channel, payload, delivery=f"d{n}").status_code == 200
    windows = (time.monotonic() - started) / tasks.ASK_WINDOW_SECONDS

    # At most one ask per window opened at once; the rest come from the window's closing ask.
    assert asked.call_count <= windows + 1
    # No beat runs here: the last deliveries, inside a window, are announced when it closes.
    assert wait_for(lambda: Ticket.objects.count() == 20, timeout=30), "events were left behind"
    assert set(InboundEvent.objects.values_list("state", flat=True)) == {"done"}


def test_a_drain_gathers_a_stream_of_deliveries_into_a_few_batches(celery_worker: str) -> None:
    channel = Channel.objects.create(
        kind="webhook", name="Partner", credentials={"secret": "s3cret"}
    )
    client = Client()
    # The stream starts once the worker is up and has drained a first delivery.
    payload = mention_payload("first", "Is the app down?", author_id="u-first")
    assert signed_delivery(client, channel, payload, delivery="first").status_code == 200
    assert wait_for(lambda: Ticket.objects.exists(), timeout=30), "the worker did not start"
    started = time.monotonic()
    for n in range(24):
        payload = mention_payload(f"p{n}", f"Is the app down? ({n})", author_id=f"u{n}")
        assert signed_delivery(client, channel, payload, delivery=f"d{n}").status_code == 200
        time.sleep(0.06)
    pauses = (time.monotonic() - started) / settings.INBOUND_GATHER_SECONDS

    assert wait_for(lambda: Ticket.objects.count() == 25, timeout=30), "events were left behind"
    # A batch stamps its events with one processing time. Without the drain's pause between
    # partial batches, each ask window (50 ms) would bring a drain and a batch of its own.
    stream = InboundEvent.objects.exclude(delivery_id="first")
    batches = stream.values("processed_at").distinct().count()
    assert batches <= pauses + 2, f"{batches} batches for a stream of {pauses:.1f} pauses"
    assert set(InboundEvent.objects.values_list("state", flat=True)) == {"done"}


def test_inquiries_created_in_a_stream_are_counted_together_once_committed(
    broker_queue: tuple[str, Callable[[], None]],
    make_api_client: Callable[[str], tuple[Any, Client]],
    settings: Any,
) -> None:
    _assert_a_stream_is_counted_together(make_api_client, settings)


def test_without_a_broker_inquiries_on_postgresql_are_counted_together_too(
    transactional_db: None,
    make_api_client: Callable[[str], tuple[Any, Client]],
    settings: Any,
) -> None:
    # PostgreSQL without Redis runs tasks inline; the window is the web process's own and
    # needs no broker, so its setting alone decides.
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL)")
    assert celery_app.conf.task_always_eager
    _assert_a_stream_is_counted_together(make_api_client, settings)


def _assert_a_stream_is_counted_together(
    make_api_client: Callable[[str], tuple[Any, Client]], settings: Any
) -> None:
    window = counting.counted_in_windows.window_seconds
    settings.INQUIRY_COUNT_WINDOW_SECONDS = window  # as configured, not the tests' 0
    _, api = make_api_client("shop")
    started = time.monotonic()
    with mock.patch.object(counting, "count_and_index", wraps=counting.count_and_index) as counted:
        for n in range(12):
            body = {"text": f"Where is my order {n}?", "author": {"name": f"Shopper {n}"}}
            response = api.post("/api/v1/inquiries/", body, content_type="application/json")
            assert response.status_code == 201, response.content
        windows = (time.monotonic() - started) / window

        def counted_total() -> int:
            return sum(
                MentionCount.objects.filter(scope__startswith="channel:").values_list(
                    "total", flat=True
                )
            )

        # The last creates, inside a window, are counted when it closes: by then all twelve.
        assert wait_for(lambda: counted_total() == 12, timeout=10), counted_total()
    # Once per window at most, not once per create: the first create of a quiet moment counts
    # at once, and each window from it on that saw creates counts once when it closes, the
    # last one after the loop (twelve creates in 1.8 windows: 3 counts).
    assert counted.call_count <= math.floor(windows) + 2

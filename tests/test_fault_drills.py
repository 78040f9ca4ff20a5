"""Fault drills in CI: the Redis outage drill end to end, and the locking that drills exposed."""

import json
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from channels.models import Channel, InboundEvent
from desk.ingestion.tasks import process_inbound_event
from tests.conftest import mention_payload, skip_or_fail
from tests.test_celery_worker import database_url

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.worker


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def postgres(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL)")


def test_a_redis_outage_during_a_webhook_burst_loses_and_duplicates_nothing(
    postgres: None,
) -> None:
    if not settings.REDIS_URL or shutil.which("redis-server") is None:
        skip_or_fail("needs Redis (REDIS_URL and redis-server) to start a private Redis")
    drill = subprocess.run(
        [
            sys.executable,
            "bench/drill_redis.py",
            "--database-url",
            database_url(),
            "--keep-database",
            "--deliveries",
            "90",
            "--outage",
            "3",
            "--redis-port",
            str(free_port()),
            "--port",
            str(free_port()),
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    report = drill.stdout.strip().splitlines()
    assert drill.returncode == 0, drill.stdout[-3000:] + drill.stderr[-3000:]
    assert report[-1] == "PASSED"
    assert "acknowledged 90, refused 503 0, other 0, stored 90, processed 90" in report[-2]
    assert "duplicated 0, lost 0" in report[-2]


def test_an_event_being_processed_does_not_hold_back_another_of_its_channel(
    postgres: None,
) -> None:
    channel = Channel.objects.create(kind="webhook", name="Partner", credentials={"secret": "s"})
    first, second = (
        InboundEvent.objects.create(
            channel=channel,
            source=InboundEvent.Source.WEBHOOK,
            body=json.dumps(mention_payload(f"p{n}", "hi", author_id=f"u{n}")).encode(),
        )
        for n in (1, 2)
    )
    holding, release = threading.Event(), threading.Event()

    def another_worker_holds_the_first() -> None:
        # Locks the event and, through the join, its channel row (in the mode that still lets
        # rows referencing the channel be inserted): what a worker busy with it does.
        with transaction.atomic():
            InboundEvent.objects.select_for_update(no_key=True).select_related("channel").get(
                pk=first.pk
            )
            holding.set()
            release.wait(timeout=30)
        connections.close_all()

    other = threading.Thread(target=another_worker_holds_the_first)
    other.start()
    try:
        assert holding.wait(timeout=30)
        assert process_inbound_event.delay(second.pk).get() == "processed"
        assert process_inbound_event.delay(first.pk).get() == "skipped"  # taken, not ours
    finally:
        release.set()
        other.join()

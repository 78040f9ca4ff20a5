"""A real Celery worker, against Redis and the test database, turns a delivery into a ticket."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from channels.models import Channel, InboundEvent
from desk.config import celery_app
from tests.conftest import mention_payload, signed_delivery, skip_or_fail
from tickets.models import Ticket

pytestmark = pytest.mark.worker
ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[str]:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        skip_or_fail("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    worker = subprocess.Popen(
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
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    celery_app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        celery_app.conf.task_default_queue = previous_queue
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        sys.stdout.write(output.decode(errors="replace")[-3000:])


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

import socket
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from channels.models import Channel, InboundEvent
from channels.services import create_channel
from desk.config import celery_app
from desk.ingestion import tasks
from desk.ingestion.tasks import process_inbound_event, sweep_pending_events
from tests.conftest import mention_payload, signed_delivery
from tests.fakes.fixtures import fixture_bytes
from tickets.models import Message, Ticket


def make_due(event: InboundEvent) -> None:
    InboundEvent.objects.filter(pk=event.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=5)
    )


def reset_broker_connections() -> None:
    # Celery caches its connection and producer pools for the first broker URL it sees;
    # forgetting them (without closing: they are shared by URL) makes it use the new one.
    # Celery.close() would also unregister the app, unbinding shared tasks imported later.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def unreachable_broker() -> Any:
    celery_app.conf.task_always_eager = False
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    reset_broker_connections()
    yield
    tasks.drain_asks.flush()  # an ask owed to the unreachable broker fails here, not later
    celery_app.conf.broker_url = original
    reset_broker_connections()
    celery_app.conf.task_always_eager = True
    # The failed publish made this process skip publishing for a moment (a real outage's
    # backoff); the broker is back for the tests that follow.
    tasks._broker_down_until = 0.0


def test_a_delivery_is_acknowledged_while_the_broker_is_down_and_swept_later(
    webhook_channel: Channel, unreachable_broker: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_delivery(
            Client(), webhook_channel, mention_payload("p1", "hi"), delivery="d1"
        )
    assert response.status_code == 200
    event = InboundEvent.objects.get()
    assert event.state == InboundEvent.State.PENDING
    assert not Message.objects.exists()

    celery_app.conf.task_always_eager = True
    make_due(event)
    assert sweep_pending_events.delay().get() == 1

    event.refresh_from_db()
    assert event.state == InboundEvent.State.DONE
    assert Ticket.objects.count() == 1


def test_a_failing_event_stays_stored_with_its_error_and_the_sweeper_finishes_it(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    # An operator mistake: the channel names an adapter this installation does not have.
    Channel.objects.filter(pk=webhook_channel.pk).update(kind="retired-kind")
    event = InboundEvent.objects.create(
        channel=webhook_channel,
        source=InboundEvent.Source.WEBHOOK,
        body=b'{"type": "message", "id": "p1", "text": "hi", "author": {"id": "u1"}}',
    )
    assert process_inbound_event.delay(event.pk).get() == "retry"
    event.refresh_from_db()
    assert event.state == InboundEvent.State.PENDING
    assert event.attempts == 1
    assert "retired-kind" in event.last_error
    assert event.next_attempt_at > timezone.now()
    assert sweep_pending_events.delay().get() == 0  # still backing off

    Channel.objects.filter(pk=webhook_channel.pk).update(kind="webhook")
    make_due(event)
    assert sweep_pending_events.delay().get() == 1

    event.refresh_from_db()
    assert event.state == InboundEvent.State.DONE
    assert Message.objects.get().text == "hi"


def unreachable_meta_channel() -> Channel:
    """A channel whose Graph API refuses every connection: each attempt to fetch a mentioned
    comment fails, as during a platform outage."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    return create_channel(
        kind="meta",
        name="Instagram, Graph API down",
        values={
            "graph_url": f"http://127.0.0.1:{closed_port}",
            "app_secret": "s",
            "verify_token": "v",
            "page_tokens": "1:token",
            "instagram_accounts": "17841400000000001:1",
        },
    )


def test_a_poison_event_is_parked_after_its_attempts_and_does_not_block_others(
    webhook_channel: Channel, settings: Any
) -> None:
    settings.INBOUND_MAX_ATTEMPTS = 3
    settings.HTTP_MAX_RETRIES = 0
    settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    poison = InboundEvent.objects.create(
        channel=unreachable_meta_channel(),
        source=InboundEvent.Source.WEBHOOK,
        body=fixture_bytes("meta", "instagram__mention.json"),
    )
    good = InboundEvent.objects.create(
        channel=webhook_channel,
        source=InboundEvent.Source.WEBHOOK,
        body=b'{"type": "message", "id": "p2", "text": "fine", "author": {"id": "u2"}}',
    )
    outcomes = []
    for _ in range(3):
        make_due(poison)
        outcomes.append(process_inbound_event.delay(poison.pk).get())
    process_inbound_event.delay(good.pk).get()

    poison.refresh_from_db()
    assert outcomes == ["retry", "retry", "parked"]
    assert poison.state == InboundEvent.State.FAILED
    assert "ConnectionError" in poison.last_error
    assert InboundEvent.objects.get(pk=good.pk).state == InboundEvent.State.DONE
    make_due(poison)
    assert sweep_pending_events.delay().get() == 0


def test_an_event_in_a_shape_we_cannot_read_is_unsupported_at_once_not_retried(
    webhook_channel: Channel,
) -> None:
    event = InboundEvent.objects.create(
        channel=webhook_channel,
        source=InboundEvent.Source.WEBHOOK,
        body=b'{"type": "message", "id": "p1", "text": "hi", "author": {"id": "u1"}, '
        b'"created_at": "yesterday"}',
    )

    assert process_inbound_event.delay(event.pk).get() == "processed"
    event.refresh_from_db()
    assert (event.state, event.attempts) == (InboundEvent.State.UNSUPPORTED, 1)
    assert "yesterday" in event.last_error


def test_processing_an_event_twice_changes_nothing(webhook_channel: Channel) -> None:
    event = InboundEvent.objects.create(
        channel=webhook_channel,
        source=InboundEvent.Source.WEBHOOK,
        body=b'{"type": "message", "id": "p1", "text": "hi", "author": {"id": "u1"}}',
    )
    assert process_inbound_event.delay(event.pk).get() == "processed"
    assert process_inbound_event.delay(event.pk).get() == "skipped"
    assert Message.objects.count() == 1

"""A drain claims pending events in batches and turns each into its ticket exactly once."""

import json
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from channels.models import Channel, InboundEvent
from desk.classification.classifier import classify_many, classify_with
from desk.classification.learning.dataset import SEED_PATH, read_jsonl
from desk.classification.learning.model import train
from desk.classification.models import Incident, MentionCount
from desk.ingestion.processing import CLASSIFY_CHUNK, process_batch
from desk.ingestion.tasks import drain_inbound_events
from tests.classification.test_crisis import COMPLAINTS
from tests.conftest import mention_payload, skip_or_fail
from tickets.models import Message, Ticket


def stored(channel: Channel, platform_id: str, text: str, **extra: Any) -> InboundEvent:
    return InboundEvent.objects.create(
        channel=channel,
        source=InboundEvent.Source.WEBHOOK,
        body=json.dumps(mention_payload(platform_id, text, **extra)).encode(),
    )


def test_a_drain_turns_every_pending_event_into_its_ticket(
    webhook_channel: Channel, settings: Any
) -> None:
    settings.INBOUND_BATCH_SIZE = 2  # three batches, the last one short
    events = [stored(webhook_channel, f"p{n}", f"The app crashes, try {n}") for n in range(5)]

    assert drain_inbound_events.delay().get() == 5

    assert {e.state for e in InboundEvent.objects.all()} == {InboundEvent.State.DONE}
    assert {e.attempts for e in InboundEvent.objects.all()} == {1}
    assert Ticket.objects.count() == 5
    assert set(Message.objects.values_list("inbound_event", flat=True)) == {e.pk for e in events}
    assert {t.queue.slug for t in Ticket.objects.all()} == {"technical"}


def test_a_failing_event_waits_out_its_backoff_alone_while_its_batch_is_processed(
    webhook_channel: Channel,
) -> None:
    retired = Channel.objects.create(kind="webhook", name="Retired", credentials={"secret": "s"})
    failing = stored(retired, "x1", "hi")
    Channel.objects.filter(pk=retired.pk).update(kind="retired-kind")  # no such adapter
    good = [stored(webhook_channel, f"p{n}", "The app crashes") for n in range(3)]

    assert drain_inbound_events.delay().get() == 4

    failing.refresh_from_db()
    assert (failing.state, failing.attempts) == (InboundEvent.State.PENDING, 1)
    assert "retired-kind" in failing.last_error
    assert failing.next_attempt_at > timezone.now()
    assert all(InboundEvent.objects.get(pk=e.pk).state == InboundEvent.State.DONE for e in good)
    assert Ticket.objects.count() == 3
    assert drain_inbound_events.delay().get() == 0  # backing off: not claimed again yet


def test_a_channel_whose_credentials_cannot_be_decrypted_does_not_stop_the_others(
    webhook_channel: Channel,
) -> None:
    rotated = Channel.objects.create(kind="webhook", name="Rotated", credentials={"secret": "s"})
    with connection.cursor() as cursor:  # encrypted with a key this desk no longer holds
        cursor.execute(
            "UPDATE channels_channel SET credentials = %s WHERE id = %s",
            ["gAAAAABnot-a-token-of-any-key-we-hold", rotated.pk],
        )
    stranded = stored(rotated, "r1", "The app crashes")
    good = [stored(webhook_channel, f"p{n}", "The app crashes") for n in range(3)]

    drain_inbound_events.delay().get()

    assert all(InboundEvent.objects.get(pk=e.pk).state == InboundEvent.State.DONE for e in good)
    assert Ticket.objects.filter(channel=webhook_channel).count() == 3
    stranded.refresh_from_db()
    assert stranded.state in (InboundEvent.State.DONE, InboundEvent.State.PENDING)


def test_a_redelivered_mention_in_a_batch_adds_no_second_message(
    webhook_channel: Channel,
) -> None:
    stored(webhook_channel, "p1", "The app crashes")
    stored(webhook_channel, "p1", "The app crashes")  # the platform sent it twice

    assert drain_inbound_events.delay().get() == 2

    assert Message.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert set(InboundEvent.objects.values_list("state", flat=True)) == {"done"}


def test_a_burst_in_one_batch_is_counted_once_each_and_opens_an_incident(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    for n, text in enumerate(COMPLAINTS):
        stored(webhook_channel, f"p{n}", text, author_id=f"angry-{n}")

    # The counters follow the batch's commit.
    with django_capture_on_commit_callbacks(execute=True):
        assert drain_inbound_events.delay().get() == len(COMPLAINTS)

    counts = MentionCount.objects.get(scope=f"channel:{webhook_channel.pk}")
    assert (counts.total, counts.negative) == (len(COMPLAINTS), len(COMPLAINTS))
    incident = Incident.objects.get()
    assert incident.mentions.count() == len(COMPLAINTS)


def test_classifying_many_texts_at_once_answers_as_one_at_a_time() -> None:
    examples = read_jsonl(SEED_PATH)
    model = train(examples)
    items = [(e.text, e.language) for e in examples[:60]] + [("", ""), ("ok", "en")]

    together = classify_many(items, model=model, model_number=3)

    alone = [classify_with(t, language_hint=h, model=model, model_number=3) for t, h in items]
    assert together == alone
    assert any(c.sources.get("sentiment") == "model" for c in together)


def test_two_workers_draining_at_once_process_each_event_exactly_once(
    transactional_db: None, settings: Any
) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL) for row locks")
    settings.INBOUND_BATCH_SIZE = 7
    channel = Channel.objects.create(kind="webhook", name="Partner", credentials={"secret": "s"})
    for n in range(60):
        stored(channel, f"p{n}", f"Question {n} about the export", author_id=f"u{n % 9}")
    claimed: list[int] = []

    def worker() -> None:
        try:
            claimed.append(drain_inbound_events.apply().get())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sum(claimed) == 60  # SKIP LOCKED: no event claimed by both
    assert Message.objects.count() == 60
    assert Ticket.objects.count() == 60
    assert set(InboundEvent.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.parametrize("size", [1, 3])
def test_a_batch_size_of_any_length_drains_the_backlog(
    webhook_channel: Channel, settings: Any, size: int
) -> None:
    settings.INBOUND_BATCH_SIZE = size
    for n in range(4):
        stored(webhook_channel, f"p{n}", "Where is my order?", author_id="same-person")

    assert drain_inbound_events.delay().get() == 4
    assert not InboundEvent.objects.filter(state=InboundEvent.State.PENDING).exists()
    assert Message.objects.count() == 4


def test_a_batch_out_of_time_commits_what_it_did_and_leaves_the_rest_pending(
    webhook_channel: Channel, settings: Any
) -> None:
    settings.INBOUND_BATCH_SECONDS = 0  # out of time after the first chunk of every batch
    for n in range(CLASSIFY_CHUNK + 5):
        stored(webhook_channel, f"p{n}", "Where is my order?", author_id=f"u{n}")

    first = process_batch(limit=CLASSIFY_CHUNK + 5, seconds=0)

    assert (first.claimed, first.handled) == (CLASSIFY_CHUNK + 5, CLASSIFY_CHUNK)
    assert InboundEvent.objects.filter(state=InboundEvent.State.PENDING).count() == 5
    assert InboundEvent.objects.filter(state=InboundEvent.State.PENDING, attempts=0).count() == 5
    assert drain_inbound_events.delay().get() == 5
    assert Message.objects.count() == CLASSIFY_CHUNK + 5


def test_a_drain_whose_batches_run_out_of_time_still_leaves_nothing_pending(
    webhook_channel: Channel, settings: Any
) -> None:
    # Claims shorter than the batch size, each cut short after its first chunk.
    settings.INBOUND_BATCH_SIZE = 3 * CLASSIFY_CHUNK
    settings.INBOUND_BATCH_SECONDS = 0
    for n in range(2 * CLASSIFY_CHUNK + 3):
        stored(webhook_channel, f"p{n}", "Where is my order?", author_id=f"u{n}")

    assert drain_inbound_events.delay().get() == 2 * CLASSIFY_CHUNK + 3
    assert not InboundEvent.objects.filter(state=InboundEvent.State.PENDING).exists()

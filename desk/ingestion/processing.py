"""Turning stored inbound events into messages and tickets, safely and exactly once."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from channels.adapters.base import Mention, ParsedEvent
from channels.models import InboundEvent
from channels.platforms.revisions import apply_change
from desk.classification.classifier import classify_texts
from desk.classification.types import Classification
from desk.ingestion.batch import ParsedItem, ingest_together
from desk.ingestion.counting import counted_together
from desk.ingestion.pipeline import ExtraRows, IngestResult, ingest

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    PROCESSED = "processed"
    SKIPPED = "skipped"  # already processed, or another worker holds it
    RETRY = "retry"
    PARKED = "parked"


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=settings.INBOUND_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def process_event(event_id: int) -> tuple[Outcome, list[IngestResult]]:
    """Parse and ingest one stored event. Safe to call any number of times, concurrently."""
    with transaction.atomic():
        # of=("self",): lock the event row only. Locking the joined channel row too made every
        # other worker skip every other event of the same channel, as if it were taken.
        event = (
            InboundEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("channel")
            .filter(pk=event_id, state=InboundEvent.State.PENDING)
            .first()
        )
        if event is None:
            return Outcome.SKIPPED, []
        try:
            with transaction.atomic():
                results, state, note = _ingest_event(event)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded on the event
            log.warning("inbound event %s failed: %s", event.pk, exc, exc_info=True)
            return _record_failure(event, exc), []
        event.state = state
        event.attempts += 1
        event.last_error = note
        event.processed_at = timezone.now()
        event.save(update_fields=["state", "attempts", "last_error", "processed_at"])
        return Outcome.PROCESSED, results


@dataclass
class BatchReport:
    claimed: int = 0
    outcomes: Counter[Outcome] = field(default_factory=Counter)

    @property
    def handled(self) -> int:
        """Events processed or recorded as failed; the rest of the claim was left pending."""
        return sum(self.outcomes.values())


# Deadlock detected, serialization failure: two batches met on the same rows. Neither event is
# at fault, so neither is charged an attempt; the event is due again at once.
_CONTENTION = {"40P01", "40001"}
_RECORDED = ["state", "attempts", "last_error", "processed_at", "next_attempt_at"]
# Mentions classified in one vectorised call; a batch cut short wastes at most these.
CLASSIFY_CHUNK = 50


def process_batch(*, limit: int, seconds: float = float("inf")) -> BatchReport:
    """Claim up to `limit` due pending events and process them in one transaction.

    Row locks taken with SKIP LOCKED give concurrent workers disjoint batches. Until the commit
    nothing of the batch exists: a worker killed midway leaves every event pending, and its
    locks go with its connection. Each event runs in its own savepoint, so one that fails is
    recorded (backoff, then parked) without undoing the others. After `seconds` the batch
    commits what it has done and leaves the rest pending: its first tickets do not wait for
    its last ones.
    """
    stop_at = time.monotonic() + seconds
    with transaction.atomic():
        # of=("self",): the event rows only (see process_event). Where the database has no
        # row locks (SQLite) Django leaves the clause out: one writer at a time anyway.
        events = list(
            InboundEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("channel")
            # Decrypted only by a parser that needs them, inside that event's own savepoint:
            # a channel whose credentials cannot be read (a key rotated wrongly) fails its own
            # events, not the claim of every channel's.
            .defer("channel__credentials")
            .filter(state=InboundEvent.State.PENDING, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at", "pk")[:limit]
        )
        report = BatchReport(claimed=len(events))
        handled: list[InboundEvent] = []
        with counted_together():
            for start in range(0, len(events), CLASSIFY_CHUNK):
                if start and time.monotonic() >= stop_at:
                    break  # the first chunk always runs: a drain always gets ahead
                for event, outcome in _process_chunk(events[start : start + CLASSIFY_CHUNK]):
                    handled.append(event)
                    report.outcomes[outcome] += 1
        # The batch's tickets become visible together, at the commit that follows.
        finished = timezone.now()
        for event in handled:
            if event.state != InboundEvent.State.PENDING:
                event.processed_at = finished
        _record(handled)
    return report


# One UPDATE for the batch. Django's bulk_update writes a CASE per column with a branch per
# row: building it cost more than ingesting the events' mentions.
_RECORD_SQL = """
    UPDATE channels_inboundevent AS e SET
        state = v.state, attempts = v.attempts, last_error = v.last_error,
        processed_at = v.processed_at, next_attempt_at = v.next_attempt_at
    FROM unnest(%s::bigint[], %s::text[], %s::int[], %s::text[], %s::timestamptz[],
                %s::timestamptz[]) AS v(id, state, attempts, last_error, processed_at,
                                        next_attempt_at)
    WHERE e.id = v.id
"""


def _record(events: list[InboundEvent]) -> None:
    if not events:
        return
    if connection.vendor != "postgresql":
        InboundEvent.objects.bulk_update(events, _RECORDED)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _RECORD_SQL, [[getattr(e, name) for e in events] for name in ["pk", *_RECORDED]]
        )


def _process_chunk(events: list[InboundEvent]) -> list[tuple[InboundEvent, Outcome]]:
    parsed, failures = _parse_all(events)
    mentions = [m for e in events if e.pk in parsed for m in _to_ingest(parsed[e.pk])]
    classified = iter(classify_texts([(m.text, m.language) for m in mentions]))
    items = [
        ParsedItem(
            event, parsed[event.pk], [next(classified) for _ in _to_ingest(parsed[event.pk])]
        )
        for event in events
        if event.pk in parsed
    ]
    # The common case together; then, in their order, the events it leaves, each on its own.
    together = ingest_together(items)
    outcomes = []
    for item in items:
        event = item.event
        if event.pk in together:
            state, note = together[event.pk]
        else:
            try:
                with transaction.atomic():
                    _, state, note = _ingest_parsed(event, item.parsed, item.classifications)
            except Exception as exc:  # noqa: BLE001 - any failure is recorded on the event
                failures[event.pk] = exc
                continue
        event.state, event.last_error = state, note
        event.attempts += 1
        outcomes.append((event, Outcome.PROCESSED))
    outcomes += [(e, _settle_failure(e, failures[e.pk])) for e in events if e.pk in failures]
    return outcomes


def _to_ingest(parsed: ParsedEvent) -> tuple[Mention, ...]:
    """The mentions `_ingest_parsed` will ingest (none of an ignored or unsupported event)."""
    return () if parsed.unsupported_because or parsed.ignored_because else parsed.mentions


def _parse_all(
    events: list[InboundEvent],
) -> tuple[dict[int, ParsedEvent], dict[int, Exception]]:
    """Every event parsed, or its failure. A parser may call its platform and write (a token
    refresh), so parsing runs in a savepoint: one for all, and if any fails, one per event."""
    try:
        with transaction.atomic():
            return {event.pk: event.channel.adapter().parse_event(event) for event in events}, {}
    except Exception:  # noqa: BLE001, S110 - told apart below, event by event  # nosec B110
        pass
    parsed: dict[int, ParsedEvent] = {}
    failures: dict[int, Exception] = {}
    for event in events:
        try:
            with transaction.atomic():
                parsed[event.pk] = event.channel.adapter().parse_event(event)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded on the event
            failures[event.pk] = exc
    return parsed, failures


def _settle_failure(event: InboundEvent, exc: Exception) -> Outcome:
    if isinstance(exc, OperationalError) and getattr(exc.__cause__, "pgcode", "") in _CONTENTION:
        log.info("inbound event %s met another batch; due again: %s", event.pk, exc)
        event.next_attempt_at = timezone.now()
        return Outcome.SKIPPED
    log.warning("inbound event %s failed: %s", event.pk, exc, exc_info=exc)
    return _note_failure(event, exc)


def ingest_stored_event(
    event: InboundEvent, *, fresh: bool = False, extra_rows: ExtraRows | None = None
) -> list[IngestResult]:
    """Process an event inside the caller's transaction (the REST API answers with the ticket).

    A caller may store the event already marked processed (DONE, one attempt, processed_at):
    it commits together with its messages or not at all, and is then written only once. Not
    saved yet, it is inserted with its message (`fresh` and `extra_rows`: see `ingest`).
    """
    results, state, note = _ingest_event(event, fresh=fresh, extra_rows=extra_rows)
    if event.pk is None:  # it made no message to be inserted with
        event.state, event.attempts, event.last_error = state, 1, note
        event.save(force_insert=True)
        return results
    if (event.state, event.last_error) == (state, note) and event.processed_at is not None:
        return results
    event.state = state
    event.attempts = 1
    event.last_error = note
    event.processed_at = timezone.now()
    event.save(update_fields=["state", "attempts", "last_error", "processed_at"])
    return results


def _ingest_event(
    event: InboundEvent, *, fresh: bool = False, extra_rows: ExtraRows | None = None
) -> tuple[list[IngestResult], str, str]:
    parsed = event.channel.adapter().parse_event(event)
    return _ingest_parsed(event, parsed, fresh=fresh, extra_rows=extra_rows)


def _ingest_parsed(
    event: InboundEvent,
    parsed: ParsedEvent,
    classifications: Sequence[Classification | None] = (),
    *,
    fresh: bool = False,
    extra_rows: ExtraRows | None = None,
) -> tuple[list[IngestResult], str, str]:
    if parsed.unsupported_because:
        return [], InboundEvent.State.UNSUPPORTED, parsed.unsupported_because
    if parsed.ignored_because:
        return [], InboundEvent.State.IGNORED, parsed.ignored_because
    classified = list(classifications) or [None] * len(parsed.mentions)
    results = [
        ingest(
            channel=event.channel,
            mention=mention,
            inbound_event=event,
            fresh=fresh,
            extra_rows=extra_rows,
            classification=classification,
        )
        for mention, classification in zip(parsed.mentions, classified, strict=True)
    ]
    notes = [
        apply_change(channel=event.channel, change=change, inbound_event=event)
        for change in parsed.changes
    ]
    return results, InboundEvent.State.DONE, "; ".join(note for note in notes if note)


def _record_failure(event: InboundEvent, exc: Exception) -> Outcome:
    outcome = _note_failure(event, exc)
    event.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
    return outcome


def _note_failure(event: InboundEvent, exc: Exception) -> Outcome:
    event.attempts += 1
    event.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if event.attempts >= settings.INBOUND_MAX_ATTEMPTS:
        event.state = InboundEvent.State.FAILED
        outcome = Outcome.PARKED
    else:
        event.next_attempt_at = timezone.now() + retry_delay(event.attempts)
        outcome = Outcome.RETRY
    return outcome


def due_event_ids(*, limit: int = 500) -> list[int]:
    """Pending events whose next attempt is due: never enqueued, or waiting out a backoff."""
    now = timezone.now()
    # A new event gets a grace period: its own on-commit enqueue is probably on its way. A
    # failed one is due when its backoff ends.
    grace = timedelta(seconds=settings.INBOUND_SWEEP_GRACE_SECONDS)
    due = Q(attempts=0, next_attempt_at__lte=now - grace) | Q(
        attempts__gt=0, next_attempt_at__lte=now
    )
    return list(
        InboundEvent.objects.filter(due, state=InboundEvent.State.PENDING)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )

"""Turning stored inbound events into messages and tickets, safely and exactly once."""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from channels.models import InboundEvent
from channels.platforms.revisions import apply_change
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
    if parsed.unsupported_because:
        return [], InboundEvent.State.UNSUPPORTED, parsed.unsupported_because
    if parsed.ignored_because:
        return [], InboundEvent.State.IGNORED, parsed.ignored_because
    results = [
        ingest(
            channel=event.channel,
            mention=mention,
            inbound_event=event,
            fresh=fresh,
            extra_rows=extra_rows,
        )
        for mention in parsed.mentions
    ]
    notes = [
        apply_change(channel=event.channel, change=change, inbound_event=event)
        for change in parsed.changes
    ]
    return results, InboundEvent.State.DONE, "; ".join(note for note in notes if note)


def _record_failure(event: InboundEvent, exc: Exception) -> Outcome:
    event.attempts += 1
    event.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if event.attempts >= settings.INBOUND_MAX_ATTEMPTS:
        event.state = InboundEvent.State.FAILED
        outcome = Outcome.PARKED
    else:
        event.next_attempt_at = timezone.now() + retry_delay(event.attempts)
        outcome = Outcome.RETRY
    event.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
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

"""Getting stored events processed: by the batch (a drain), one by one inline, or by the sweeper.

A stored event is announced once its transaction commits (`enqueue_processing`). With a broker,
the announcement asks for a drain: one task that claims pending events in batches until none
is left. Announcements coalesce: while a drain is asked for and has not started, further events
publish nothing (a Redis SET NX instead of a publish per webhook, and one per short window in
each process, desk.ingestion.coalesce), because that drain will claim them too. Tests and
installations without a broker run each event inline instead.
"""

import logging
import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from desk.ingestion.coalesce import Coalesced
from desk.ingestion.processing import due_event_ids, process_batch, process_event

log = logging.getLogger(__name__)

# Set while a drain is asked for and has not started. The drain deletes it before it claims
# anything, so an event stored after that either sets it again (and asks for a new drain) or
# finds it set by an event whose drain starts later: no event is left unannounced. It expires
# in case that drain is lost with its broker; the sweeper catches what is left then.
DRAIN_ASKED_KEY = "ingestion:drain-asked"
DRAIN_ASKED_SECONDS = 10


@shared_task(name="desk.ingestion.tasks.process_inbound_event", acks_late=True)
def process_inbound_event(event_id: int) -> str:
    outcome, _ = process_event(event_id)
    return outcome.value


@shared_task(name="desk.ingestion.tasks.drain_inbound_events", acks_late=True)
def drain_inbound_events() -> int:
    """Process due pending events in batches until none is left; return how many it handled.

    While batches come back full, one more drain is asked for, so an idle worker process joins
    in; a drain hands over after INBOUND_DRAIN_SECONDS, so other tasks are not starved.
    """
    _forget_drain_asked()
    limit = settings.INBOUND_BATCH_SIZE
    stop_at = time.monotonic() + settings.INBOUND_DRAIN_SECONDS
    # Run inline (eager): no other worker could join or take over; this drain does it all.
    inline = drain_inbound_events.app.conf.task_always_eager
    handled, helped = 0, False
    while True:
        batch = process_batch(limit=limit, seconds=settings.INBOUND_BATCH_SECONDS)
        handled += batch.handled
        # A full claim may have left more behind it; a batch out of time left part of its own.
        if batch.claimed < limit and batch.handled == batch.claimed:
            if inline or not batch.claimed or not _gathered(stop_at):
                return handled
            continue
        if inline:
            continue
        if time.monotonic() >= stop_at:
            _publish_drain()
            return handled
        if not helped:
            helped = _publish_drain()


def _gathered(stop_at: float) -> bool:
    """Events are arriving (the last claim found some, but not a full batch): wait a moment
    and claim again, instead of ending the drain and being asked for a new one per window.

    During a spike this turns many small batches into a few large ones. A batch has a fixed
    cost (its claim, its commit and WAL flush, its statements per kind of row) that small
    batches pay for every few events, with CPU the acknowledgements need. An event waits at
    most INBOUND_GATHER_SECONDS longer; a lone event is not delayed (its claim comes first).
    While the drain waits it holds the drain flag, so web processes ask for no other drain:
    the events they store are the ones the next claim takes.
    """
    pause = settings.INBOUND_GATHER_SECONDS
    if pause <= 0 or time.monotonic() + pause >= stop_at:
        return False
    _hold_drain_asked()
    time.sleep(pause)
    _forget_drain_asked()
    return True


@shared_task(name="desk.ingestion.tasks.sweep_pending_events")
def sweep_pending_events() -> int:
    """Ask for a drain when events were left pending: stored while the broker was down, left by
    a lost drain, or due for a retry. Returns how many were found."""
    due = due_event_ids()
    if due:
        _publish_drain()
    return len(due)


# After a failed publish, further publishes in this process are skipped for a moment: during
# a broker outage a burst of webhooks is acknowledged at full speed instead of each one waiting
# for a connection attempt to fail. Skipped events are stored; the sweeper enqueues them.
BROKER_BACKOFF_SECONDS = 2.0
_broker_down_until = 0.0


def enqueue_processing(event_id: int) -> bool:
    """Hand a stored event to a worker. A broker outage is not an error: the sweeper catches up.

    Eager (tests, no broker): the event is processed here and now, alone.
    """
    if process_inbound_event.app.conf.task_always_eager:
        process_inbound_event.apply_async((event_id,))
        return True
    if time.monotonic() < _broker_down_until:
        return False
    if _drain_coalesces():
        return drain_asks()
    return _publish_drain()


def _ask_for_drain() -> bool:
    if time.monotonic() < _broker_down_until:
        return False
    try:
        if not cache.add(DRAIN_ASKED_KEY, 1, DRAIN_ASKED_SECONDS):
            return True  # a drain that has not started yet will claim the events
    except Exception as exc:  # noqa: BLE001 - Redis is down: the sweeper will catch up
        return _broker_failed(exc)
    return _publish_drain()


# Within a web process, asks are coalesced over a short window (desk.ingestion.coalesce): an
# event waits at most this long to be announced, and a spike costs a Redis round trip per
# window instead of one per delivery.
ASK_WINDOW_SECONDS = 0.05
# A failed owed ask is logged; the sweeper catches its events up.
drain_asks = Coalesced(lambda _items: _ask_for_drain(), ASK_WINDOW_SECONDS, "drain-ask")


def _publish_drain() -> bool:
    try:
        drain_inbound_events.apply_async()
    except Exception as exc:  # noqa: BLE001 - the events are stored; the sweeper will retry
        _forget_drain_asked()
        return _broker_failed(exc)
    return True


def _broker_failed(exc: Exception) -> bool:
    global _broker_down_until
    _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
    log.warning("could not ask for a drain of inbound events: %s", exc)
    return False


def _drain_coalesces() -> bool:
    """Only a cache the web and worker processes share (Redis) can tell a web process that a
    drain is already asked for; a per-process cache (the embedded default) cannot."""
    return settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def _forget_drain_asked() -> None:
    if not _drain_coalesces():
        return
    try:
        cache.delete(DRAIN_ASKED_KEY)
    except Exception as exc:  # noqa: BLE001 - Redis is down: the key expires by itself
        log.warning("could not clear the drain flag: %s", exc)


def _hold_drain_asked() -> None:
    """Stand for the drain that would be asked for: it expires like an ask if the worker dies."""
    if not _drain_coalesces():
        return
    try:
        cache.set(DRAIN_ASKED_KEY, 1, DRAIN_ASKED_SECONDS)
    except Exception as exc:  # noqa: BLE001 - Redis is down: web processes publish instead
        log.warning("could not set the drain flag: %s", exc)

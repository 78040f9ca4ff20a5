"""Polling pull channels: one worker per channel at a time, cursors saved after the events.

Each page of raw events is stored as InboundEvents (delivery id = the platform's id, so a
re-poll stores nothing twice) in the same transaction that saves the cursor after them;
processing is enqueued when that transaction commits. A crash mid-poll therefore repeats
at most one page, and repeating it is harmless.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from channels.adapters.base import AdapterError, PollResult, RateLimited
from channels.inbound import store_event
from channels.models import Channel, ChannelQuerySet, InboundEvent
from channels.registry import ADAPTERS, adapter_class

log = logging.getLogger(__name__)

# Longer than any poll should take; a worker that dies holding the lease frees it by then.
LEASE = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=1)


class PollStatus(StrEnum):
    POLLED = "polled"
    BUSY = "busy"  # another worker holds the channel's lease
    FAILED = "failed"  # transient: tried again after a backoff
    DISABLED = "disabled"  # permanent: the channel is switched off until someone fixes it


@dataclass(frozen=True)
class PollReport:
    status: PollStatus
    stored: int = 0
    duplicates: int = 0
    pages: int = 0
    error: str = ""


class LeaseLost(Exception):
    """Another worker took over the channel (our lease ran out): our page is rolled back."""


def pull_kinds() -> list[str]:
    return [kind for kind in ADAPTERS if adapter_class(kind).polls]


def claim_due_channels(*, limit: int = 200) -> list[int]:
    """Channels whose poll is due, each pushed forward so a slow queue gets it only once."""
    now = timezone.now()
    due = Channel.objects.filter(is_active=True, kind__in=pull_kinds(), next_poll_at__lte=now)
    claimed = []
    for channel in due.order_by("next_poll_at")[:limit]:
        later = now + timedelta(seconds=channel.effective_poll_interval)
        if Channel.objects.filter(pk=channel.pk, next_poll_at__lte=now).update(next_poll_at=later):
            claimed.append(channel.pk)
    return claimed


def poll_channel(*, channel_id: int) -> PollReport:
    token = secrets.token_hex(8)
    if not _acquire_lease(channel_id, token):
        return PollReport(PollStatus.BUSY)
    stored = duplicates = pages = 0
    try:
        while pages < settings.POLL_MAX_PAGES:
            channel = Channel.objects.get(pk=channel_id)
            result = channel.adapter().poll(dict(channel.poll_cursor))
            pages += 1
            new, known = _store_page(channel, result, token)
            stored += new
            duplicates += known
            if not result.more:
                break
    except AdapterError as exc:
        return _record_failure(
            channel_id, token, exc, stored=stored, duplicates=duplicates, pages=pages
        )
    except LeaseLost:
        return PollReport(PollStatus.BUSY, stored, duplicates, pages)
    except Exception as exc:  # noqa: BLE001 - a bug in an adapter must not stop the others
        log.exception("polling channel %s failed", channel_id)
        failure = AdapterError(f"{type(exc).__name__}: {exc}")
        return _record_failure(
            channel_id, token, failure, stored=stored, duplicates=duplicates, pages=pages
        )
    now = timezone.now()
    # The outcome and the lease's release in one write; a worker that took the lease over
    # meanwhile records its own.
    _holding_lease(channel_id, token).update(
        last_polled_at=now,
        last_success_at=now,
        consecutive_failures=0,
        next_poll_at=now + timedelta(seconds=channel.effective_poll_interval),
        **_RELEASED,
    )
    return PollReport(PollStatus.POLLED, stored, duplicates, pages)


# Written with a poll's outcome: the lease is given back in the same UPDATE.
_RELEASED: dict[str, Any] = {
    "poll_lease_until": None,
    "poll_lease_token": "",  # nosec B105 - a lease token, not a password
}


def _holding_lease(channel_id: int, token: str) -> ChannelQuerySet:
    return Channel.objects.filter(pk=channel_id, poll_lease_token=token)


def _acquire_lease(channel_id: int, token: str) -> bool:
    now = timezone.now()
    # One conditional UPDATE is atomic on every database: exactly one worker gets the row.
    return bool(
        Channel.objects.filter(pk=channel_id, is_active=True)
        .filter(Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lt=now))
        .update(poll_lease_until=now + LEASE, poll_lease_token=token)
    )


def _store_page(channel: Channel, result: PollResult, token: str) -> tuple[int, int]:
    stored = duplicates = 0
    with transaction.atomic():
        for raw in result.events:
            event = store_event(
                channel=channel,
                source=InboundEvent.Source.POLL,
                delivery_id=raw.delivery_id[:255],
                body=raw.body,
                content_type=raw.content_type,
            )
            if event is None:
                duplicates += 1
            else:
                stored += 1
        saved = Channel.objects.filter(pk=channel.pk, poll_lease_token=token).update(
            poll_cursor=result.cursor
        )
        if not saved:
            raise LeaseLost
    return stored, duplicates


def _record_failure(
    channel_id: int, token: str, exc: AdapterError, *, stored: int, duplicates: int, pages: int
) -> PollReport:
    now = timezone.now()
    channel = Channel.objects.get(pk=channel_id)
    message = str(exc)[:2000]
    log.warning("polling channel %s (%s) failed: %s", channel.pk, channel.name, message)
    if exc.permanent:
        _holding_lease(channel_id, token).disable(
            message,
            last_error=message,
            last_error_at=now,
            last_polled_at=now,
            **_RELEASED,
        )
        return PollReport(PollStatus.DISABLED, stored, duplicates, pages, message)
    failures = channel.consecutive_failures + 1
    if isinstance(exc, RateLimited):
        delay = timedelta(seconds=exc.retry_after)
    else:
        delay = min(timedelta(seconds=channel.effective_poll_interval * 2**failures), MAX_BACKOFF)
    _holding_lease(channel_id, token).update(
        consecutive_failures=failures,
        last_error=message,
        last_error_at=now,
        last_polled_at=now,
        next_poll_at=now + delay,
        **_RELEASED,
    )
    return PollReport(PollStatus.FAILED, stored, duplicates, pages, message)

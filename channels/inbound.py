"""Storing a raw inbound event: the one way a delivery enters socialdesk.

Webhooks, polls, stream consumers, the web form, REST clients and the demo all store what
they received here, before anyone is told it arrived (nothing is lost: the raw event is
durable before we acknowledge it). The unique (channel, delivery id) pair makes a replayed
delivery a no-op. Once the event is committed the `event_stored` hook announces it, and the
desk's processing takes over.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from channels.hooks import event_stored
from channels.models import Channel, InboundEvent


def store_event(
    *,
    channel: Channel,
    source: str,
    body: bytes,
    delivery_id: str | None = None,
    content_type: str = "application/json",
    headers: dict[str, Any] | None = None,
    received_at: datetime | None = None,
) -> InboundEvent | None:
    """Store one raw event for processing; None when its delivery id is stored already."""
    fields = _fields(channel, source, body, delivery_id, content_type, headers, received_at)
    # Alone, one INSERT in autocommit mode is its own durable transaction, two round trips
    # cheaper than BEGIN ... COMMIT; inside a caller's transaction a savepoint keeps the
    # caller's transaction usable after a duplicate.
    nested = transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic() if nested else nullcontext():
            event = InboundEvent.objects.create(**fields)
    except IntegrityError:
        return None
    event_id = event.pk
    transaction.on_commit(lambda: event_stored(event_id))
    return event


def store_event_processed_inline(
    *,
    channel: Channel,
    source: str,
    body: bytes,
    delivery_id: str,
    content_type: str = "application/json",
    headers: dict[str, Any] | None = None,
    received_at: datetime | None = None,
) -> InboundEvent:
    """Store an event that the caller ingests in its own transaction (the REST API answers
    with the ticket): stored as processed, it commits with its messages or not at all, and is
    not announced. No savepoint: a clash aborts the caller's transaction whole, as it must."""
    fields = _fields(channel, source, body, delivery_id, content_type, headers, received_at)
    fields.update(state=InboundEvent.State.DONE, attempts=1, processed_at=fields["received_at"])
    return InboundEvent.objects.create(**fields)


def _fields(
    channel: Channel,
    source: str,
    body: bytes,
    delivery_id: str | None,
    content_type: str,
    headers: dict[str, Any] | None,
    received_at: datetime | None,
) -> dict[str, Any]:
    return {
        "channel": channel,
        "source": source,
        "delivery_id": delivery_id,
        "body": body,
        "content_type": content_type,
        "headers": headers or {},
        "received_at": received_at or timezone.now(),
    }

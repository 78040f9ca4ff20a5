"""Storing a raw inbound event: the one way a delivery enters socialdesk.

Webhooks, polls, stream consumers, the web form, REST clients and the demo all store what
they received here, before anyone is told it arrived (nothing is lost: the raw event is
durable before we acknowledge it). The unique (channel, delivery id) pair makes a replayed
delivery a no-op. Once the event is committed the `event_stored` hook announces it, and the
desk's processing takes over; the channel is marked as working (Channel.mark_success).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from channels.hooks import event_stored
from channels.models import Channel, InboundEvent
from tickets import prepared


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
    event = InboundEvent(**fields)
    # One statement, and a replay is no error: no savepoint is needed inside a caller's
    # transaction, and alone in autocommit mode the INSERT is its own durable transaction,
    # two round trips cheaper than BEGIN ... COMMIT.
    event_id = _insert_unless_stored(event)
    if event_id is None:
        return None
    event.pk = event_id
    event._state.adding = False
    event._state.db = DEFAULT_DB_ALIAS
    transaction.on_commit(lambda: event_stored(event_id))
    _mark_success_once_committed(channel)
    return event


def processed_inline_event(
    *,
    channel: Channel,
    source: str,
    body: bytes,
    delivery_id: str,
    content_type: str = "application/json",
    headers: dict[str, Any] | None = None,
    received_at: datetime | None = None,
) -> InboundEvent:
    """An event that the caller ingests in its own transaction (the REST API answers with the
    ticket), not saved yet: the ingest pipeline inserts it with its message, marked processed,
    so it commits with its messages or not at all, and is not announced. No savepoint: a clash
    aborts the caller's transaction whole, as it must."""
    fields = _fields(channel, source, body, delivery_id, content_type, headers, received_at)
    fields.update(state=InboundEvent.State.DONE, attempts=1, processed_at=fields["received_at"])
    _mark_success_once_committed(channel)
    return InboundEvent(**fields)


def _mark_success_once_committed(channel: Channel) -> None:
    # Whatever path an event came by, it is what shows the channel working (its health and
    # last success on the channels page); after the commit, so that the channel's row is not
    # locked for the rest of the caller's transaction, and not at all if that rolls back.
    # Robust: the event is stored, and a failure of this bookkeeping (the database lost just
    # after the commit) must not answer an error that makes the sender post it again.
    transaction.on_commit(channel.mark_success, robust=True)


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


def _insert_unless_stored(event: InboundEvent) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the new id, or None for a replay.

    The ORM would build the same statement through several layers on every delivery; the
    column list and the statement are built once, and each value is prepared by its field
    as the ORM would (bytes, JSON, time stamps). PostgreSQL plans it once per connection."""
    fields = _insert_fields()
    params = [field.get_db_prep_save(field.pre_save(event, True), connection) for field in fields]
    with connection.cursor() as cursor:
        prepared.execute(connection, cursor, _insert_statement(), params)
        row = cursor.fetchone()
    return None if row is None else int(row[0])


@cache
def _insert_fields() -> tuple[Any, ...]:
    return tuple(field for field in InboundEvent._meta.concrete_fields if not field.primary_key)


@cache
def _insert_statement() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in _insert_fields())
    placeholders = ", ".join(["%s"] * len(_insert_fields()))
    by_name = {field.name: field for field in _insert_fields()}
    channel = quote(by_name["channel"].column)
    delivery = quote(by_name["delivery_id"].column)
    returned = quote(InboundEvent._meta.pk.attname)
    table = quote(InboundEvent._meta.db_table)
    # Only quoted names from the model go into the text; the values are parameters. The
    # conflict target is the unique (channel, delivery id) constraint; a NULL delivery id
    # never conflicts, so an event without one is always stored, as before.
    insert = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608  # nosec B608
    return f"{insert} ON CONFLICT ({channel}, {delivery}) DO NOTHING RETURNING {returned}"

"""The few columns a webhook acknowledgement needs, kept in each web process per token.

Every delivery names its channel by the token in its URL; reading the row from PostgreSQL
each time was a quarter of an acknowledgement, and even a Redis round trip costs a fifth of a
trivial request. So each process keeps, per token, what verifying, routing and storing read:
id, kind, config and the credentials exactly as stored (still encrypted).

Whatever changes one of those columns forgets the entries: saving or deleting a channel (the
receivers in channels.apps) and `Channel.objects.update(...)` on those columns (the queryset
in channels.models). In this process at once; in the others through PostgreSQL's
LISTEN/NOTIFY: the change sends a notification that PostgreSQL delivers when (and only if)
its transaction commits, each web process listens on its own connection, and before using
its cache it reads what arrived on the socket, with no round trip. A new connection may have
missed notifications, so it starts with an empty cache. Without PostgreSQL (the embedded
demo) and as a backstop, entries expire after CACHE_SECONDS.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from django.db import connection

log = logging.getLogger(__name__)

# The columns read by the webhook path; changing any other column keeps the entries.
ACK_COLUMNS = frozenset({"kind", "config", "credentials", "webhook_token", "is_active"})
CACHE_SECONDS = 60
NOTIFY_CHANNEL = "socialdesk_channel_changed"

# (id, kind, config, credentials as stored)
CachedRow = tuple[int, str, dict[str, Any], str]

_entries: dict[str, tuple[float, CachedRow]] = {}
# The DB-API connection the entries were checked against, and whether it LISTENs: a new
# connection has missed whatever was sent before it listened.
_connection: object | None = None
_listening = False


def recall(token: str) -> CachedRow | None:
    _read_notifications()
    found = _entries.get(token)
    if found is None:
        return None
    expires, row = found
    if time.monotonic() >= expires:
        del _entries[token]
        return None
    return row


def remember(token: str, row: CachedRow) -> None:
    _entries[token] = (time.monotonic() + CACHE_SECONDS, row)


def forget(tokens: Iterable[str]) -> None:
    """Drop the entries here now, and in every process once the transaction commits."""
    for token in tokens:
        _entries.pop(token, None)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {NOTIFY_CHANNEL}")


def _read_notifications() -> None:
    global _connection, _listening
    if connection.vendor != "postgresql":
        return
    raw: Any = connection.connection
    if raw is None or raw.closed:
        # No connection yet (or a closed one): whatever is cached may have missed news.
        _entries.clear()
        return
    if raw is not _connection:
        _entries.clear()
        _connection, _listening = raw, False
    try:
        if not _listening:
            # LISTEN inside a transaction lasts only if it commits: start listening outside
            # one (the webhook view runs in autocommit); until then, entries miss the news
            # of other processes for at most CACHE_SECONDS.
            if not connection.in_atomic_block:
                with connection.cursor() as cursor:
                    cursor.execute(f"LISTEN {NOTIFY_CHANNEL}")
                _entries.clear()
                _listening = True
            return
        # Reads what PostgreSQL already sent on the socket; sends nothing.
        raw.poll()
    except Exception:  # a broken connection (the driver's own error): start afresh
        _entries.clear()
        _connection, _listening = None, False
        return
    if raw.notifies:
        raw.notifies.clear()
        _entries.clear()

"""Running one channel's stream: connect, read, store with the cursor, reconnect.

Every stored event and the cursor after it commit together, so a consumer killed at any
moment resumes exactly after what it stored. Messages that store nothing (the firehose is
mostly other people's posts) move the cursor in memory and are saved at most every few
seconds; a restart reads them again and keeps nothing from them again. The platform's own
ids are the delivery ids, so an event read twice (a replayed cursor, the poller finding it
too) is stored once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from websockets.exceptions import InvalidHandshake, InvalidURI, WebSocketException
from websockets.sync.client import connect

from channels.adapters.base import AdapterError
from channels.http import check_destination
from channels.inbound import store_event
from channels.models import Channel, InboundEvent
from channels.platforms.models import StreamCursor
from channels.streams.base import Read, StreamSource, source_class

log = logging.getLogger(__name__)
CURSOR_SAVE_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 60.0
RECV_TIMEOUT_SECONDS = 1.0


class Consumer:
    def __init__(
        self,
        channel: Channel,
        *,
        stop: threading.Event | None = None,
        between_sessions: Callable[[], None] | None = None,
    ) -> None:
        self.channel = channel
        self.stop = stop or threading.Event()
        # The command passes close_old_connections: a process that runs for weeks must not
        # keep a database connection the server has dropped.
        self.between_sessions = between_sessions
        self.source: StreamSource = source_class(channel.kind)(channel)
        self.state, _ = StreamCursor.objects.get_or_create(channel=channel)
        self.cursor: dict[str, Any] = dict(self.state.cursor)
        self.saved_at = time.monotonic()
        self.stored = 0

    def run(self, *, max_seconds: float | None = None) -> int:
        """Consume until stopped (or max_seconds pass); return how many events were stored."""
        deadline = time.monotonic() + max_seconds if max_seconds else None
        backoff = 1.0
        while not self.stop.is_set() and (deadline is None or time.monotonic() < deadline):
            try:
                self._session(deadline)
                backoff = 1.0
            except (OSError, WebSocketException, AdapterError, TimeoutError) as exc:
                self._error(
                    f"{type(exc).__name__}: {exc}" if isinstance(exc, OSError) else str(exc)
                )
                if getattr(exc, "disables_channel", False):
                    # Rejected credentials: like a poll, the channel waits for someone to fix them.
                    Channel.objects.filter(pk=self.channel.pk).disable(str(exc))
                    break
                if isinstance(exc, (InvalidURI, InvalidHandshake)) or getattr(
                    exc, "permanent", False
                ):
                    break
                self.stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            finally:
                if self.between_sessions is not None:
                    self.between_sessions()
        self._save(force=True)
        return self.stored

    def _session(self, deadline: float | None) -> None:
        url = self.source.url(self.cursor)
        check_destination(urlsplit(url).hostname or "")
        # Connect first, then backfill: whatever arrives meanwhile waits in the socket, and
        # what both deliver is stored once.
        with connect(url, additional_headers=self.source.headers(), open_timeout=10) as socket:
            StreamCursor.objects.filter(pk=self.state.pk).update(connected_at=timezone.now())
            self._store(self.source.backfill(dict(self.cursor)))
            while not self.stop.is_set() and (deadline is None or time.monotonic() < deadline):
                try:
                    message = socket.recv(timeout=RECV_TIMEOUT_SECONDS)
                except TimeoutError:
                    self._save()
                    continue
                try:
                    read = self.source.read(message, dict(self.cursor))
                except (ValueError, KeyError, TypeError) as exc:
                    # One malformed message must not stop the channel; it is logged, skipped.
                    self._error(f"unreadable stream message skipped: {exc!r}"[:500])
                    continue
                self._store(read)

    def _store(self, read: Read) -> None:
        if not read.events:
            self.cursor = read.cursor or self.cursor
            self._save()
            return
        with transaction.atomic():
            for event in read.events:
                stored = store_event(
                    channel=self.channel,
                    source=InboundEvent.Source.STREAM,
                    body=event.body,
                    delivery_id=event.delivery_id,
                    content_type=event.content_type,
                )
                self.stored += stored is not None
            self.cursor = read.cursor or self.cursor
            StreamCursor.objects.filter(pk=self.state.pk).update(
                cursor=self.cursor, last_event_at=timezone.now(), updated_at=timezone.now()
            )
        self.saved_at = time.monotonic()
        self.channel.mark_success()

    def _save(self, *, force: bool = False) -> None:
        if force or time.monotonic() - self.saved_at >= CURSOR_SAVE_SECONDS:
            StreamCursor.objects.filter(pk=self.state.pk).update(
                cursor=self.cursor, updated_at=timezone.now()
            )
            self.saved_at = time.monotonic()

    def _error(self, text: str) -> None:
        log.warning("stream of channel %s: %s", self.channel.pk, text)
        now = timezone.now()
        StreamCursor.objects.filter(pk=self.state.pk).update(last_error=text, last_error_at=now)
        Channel.objects.filter(pk=self.channel.pk).update(last_error=text, last_error_at=now)

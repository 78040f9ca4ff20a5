"""`manage.py stream_consumer --channel ID|NAME` or `--all`: read channels' streams until
stopped (SIGTERM/SIGINT end it cleanly, saving the cursor; a kill loses nothing either)."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection

from channels.models import Channel
from channels.streams.base import SOURCES
from channels.streams.consumer import Consumer

SCAN_SECONDS = 60


def fresh_connections() -> None:
    """Drop database connections the server may have closed meanwhile; never one inside a
    transaction of the caller (call_command in a test, a shell's atomic block)."""
    if not connection.in_atomic_block:
        close_old_connections()


class Command(BaseCommand):
    help = "Consume the real-time streams of channels (Bluesky Jetstream, Mastodon)."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--channel", help="the channel's id or name")
        which.add_argument(
            "--all", action="store_true", help="every active channel with realtime on"
        )
        parser.add_argument("--max-seconds", type=float, help="stop after this long")
        parser.add_argument(
            "--heartbeat",
            default="",
            help="with --all: a file touched every second while the consumers run",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        if options["all"]:
            self._supervise(stop, options["max_seconds"], options["heartbeat"])
            return
        channel = self._channel(options["channel"])
        consumer = Consumer(channel, stop=stop, between_sessions=fresh_connections)
        stored = consumer.run(max_seconds=options["max_seconds"])
        self.stdout.write(f"{channel.name}: {stored} events stored")

    def _supervise(self, stop: threading.Event, max_seconds: float | None, heartbeat: str) -> None:
        """One thread per channel with realtime on; channels switched on later are picked up
        within a minute. The heartbeat file's age is the container's health check."""
        deadline = time.monotonic() + max_seconds if max_seconds else None
        threads: dict[int, threading.Thread] = {}
        next_scan = 0.0
        while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
            if time.monotonic() >= next_scan:
                for channel in self._realtime_channels():
                    if channel.pk not in threads or not threads[channel.pk].is_alive():
                        threads[channel.pk] = threading.Thread(
                            target=self._run, args=(channel, stop, max_seconds), daemon=True
                        )
                        threads[channel.pk].start()
                fresh_connections()
                next_scan = time.monotonic() + SCAN_SECONDS
            if heartbeat:
                Path(heartbeat).touch()
            stop.wait(1)
        stop.set()
        for thread in threads.values():
            thread.join(timeout=30)

    def _realtime_channels(self) -> list[Channel]:
        streaming = Channel.objects.filter(kind__in=list(SOURCES), is_active=True)
        return [c for c in streaming if c.adapter().config.get("realtime")]

    def _run(self, channel: Channel, stop: threading.Event, max_seconds: float | None) -> None:
        try:
            consumer = Consumer(channel, stop=stop, between_sessions=fresh_connections)
            stored = consumer.run(max_seconds=max_seconds)
            self.stdout.write(f"{channel.name}: {stored} events stored")
        except Exception as exc:  # noqa: BLE001 - one channel's failure must not stop the others
            self.stderr.write(f"{channel.name}: stopped: {exc}")
        finally:
            fresh_connections()

    def _channel(self, which: str) -> Channel:
        lookup = {"pk": int(which)} if which.isdigit() else {"name": which}
        channel = Channel.objects.filter(**lookup).first()
        if channel is None:
            raise CommandError(f"No channel {which!r}.")
        if channel.kind not in SOURCES:
            raise CommandError(f"{channel.adapter().label} channels have no stream to consume.")
        if not channel.is_active:
            raise CommandError(f"Channel {channel.name} is disabled: {channel.why_disabled}")
        return channel

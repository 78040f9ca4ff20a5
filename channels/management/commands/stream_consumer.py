"""`manage.py stream_consumer --channel ID|NAME` or `--all`: read channels' streams until
stopped (SIGTERM/SIGINT end it cleanly, saving the cursor; a kill loses nothing either)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from channels.models import Channel
from channels.streams.base import SOURCES
from channels.streams.consumer import Consumer


class Command(BaseCommand):
    help = "Consume the real-time streams of channels (Bluesky Jetstream, Mastodon)."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--channel", help="the channel's id or name")
        which.add_argument(
            "--all", action="store_true", help="every active channel with realtime on"
        )
        parser.add_argument("--max-seconds", type=float, help="stop after this long")

    def handle(self, *args: Any, **options: Any) -> None:
        channels = self._channels(options["channel"], options["all"])
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        if len(channels) == 1:
            consumer = Consumer(channels[0], stop=stop, between_sessions=close_old_connections)
            stored = consumer.run(max_seconds=options["max_seconds"])
            self.stdout.write(f"{channels[0].name}: {stored} events stored")
            return
        threads = [
            threading.Thread(
                target=self._run, args=(channel, stop, options["max_seconds"]), daemon=True
            )
            for channel in channels
        ]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            for thread in threads:
                thread.join(timeout=1)

    def _run(self, channel: Channel, stop: threading.Event, max_seconds: float | None) -> None:
        try:
            consumer = Consumer(channel, stop=stop, between_sessions=close_old_connections)
            stored = consumer.run(max_seconds=max_seconds)
            self.stdout.write(f"{channel.name}: {stored} events stored")
        except Exception as exc:  # noqa: BLE001 - one channel's failure must not stop the others
            self.stderr.write(f"{channel.name}: stopped: {exc}")
        finally:
            close_old_connections()

    def _channels(self, which: str | None, every: bool) -> list[Channel]:
        streaming = Channel.objects.filter(kind__in=list(SOURCES), is_active=True)
        if every:
            found = [c for c in streaming if c.adapter().config.get("realtime")]
            if not found:
                raise CommandError("No active channel has realtime on.")
            return found
        lookup = {"pk": int(which)} if which and which.isdigit() else {"name": which}
        channel = Channel.objects.filter(**lookup).first()
        if channel is None:
            raise CommandError(f"No channel {which!r}.")
        if channel.kind not in SOURCES:
            raise CommandError(f"{channel.adapter().label} channels have no stream to consume.")
        if not channel.is_active:
            raise CommandError(f"Channel {channel.name} is disabled: {channel.disabled_reason}")
        return [channel]

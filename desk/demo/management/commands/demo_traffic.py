import random
import signal
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk.demo.channels import demo_channels
from desk.demo.traffic import Stream


class Command(BaseCommand):
    help = (
        "Stream demo traffic into the demo channels: new mentions in five languages, replies "
        "to our answers, and now and then a burst of complaints (demo mode only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=settings.DEMO_TRAFFIC_SECONDS)
        parser.add_argument("--crisis-every", type=int, default=settings.DEMO_CRISIS_EVERY)
        parser.add_argument("--count", type=int, default=0, help="stop after this many; 0 never")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args: Any, interval: float, crisis_every: int, count: int, **options: Any):
        if not settings.DEMO_MODE:
            raise CommandError("demo_traffic runs only in demo mode (DEMO_MODE=1, SQLite).")
        channels = demo_channels()
        if not channels:
            raise CommandError("No demo channels: run `manage.py seed_demo` first.")
        stream = Stream(
            channels=channels, rng=random.Random(options["seed"]), crisis_every=max(crisis_every, 2)
        )
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping and (count == 0 or stream.tick < count):
            self.stdout.write(f"demo traffic: {stream.step()}")
            self.stdout.flush()
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.2, interval))

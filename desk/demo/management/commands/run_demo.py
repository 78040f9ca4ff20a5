import io
import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from desk.demo import supervisor
from desk.demo.channels import demo_channels
from desk.demo.management.commands.seed_demo import DEMO_PASSWORD_ALPHABET
from desk.demo.users import reset_passwords


class Command(BaseCommand):
    help = (
        "Run the whole product on this machine: the web server, a Celery worker with beat on "
        "the embedded broker, and the demo traffic. Ctrl+C stops all of it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--mentions", type=int, default=200, help="mentions seeded at first")

    def handle(self, *args: Any, addrport: str, mentions: int, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "run_demo is the embedded demo (SQLite, no Redis, DEMO_MODE on). In production "
                "run the web server, `celery worker` and `celery beat` separately."
            )
        base_url = f"http://{addrport if ':' in addrport else f'127.0.0.1:{addrport}'}"
        if not settings.PUBLIC_BASE_URL_FROM_ENV:
            # Addresses shown to people (web form, webhooks, links in notifications) are the
            # ones actually served.
            settings.PUBLIC_BASE_URL = base_url
        call_command("migrate", "--noinput", verbosity=0)
        self.stdout.write("Preparing the demo (the first time, this seeds it: about a minute) ...")
        # Its passwords are replaced below: only the ones printed at the end are valid.
        call_command("seed_demo", "--if-empty", "--mentions", str(mentions), stdout=io.StringIO())
        self._introduce(base_url)
        settings.EMBEDDED_BROKER_DIR.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "PUBLIC_BASE_URL": settings.PUBLIC_BASE_URL,
            "PYTHONUNBUFFERED": "1",
            # The worker is started as `python -m celery -A desk` from this directory.
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(settings.BASE_DIR), os.environ.get("PYTHONPATH", "")])
            ),
        }
        children = supervisor.demo_children(
            addrport=addrport, schedule_file=settings.EMBEDDED_BROKER_DIR.parent / ".celerybeat"
        )
        code = supervisor.run(children, env=env, say=self.stdout.write)
        if code:
            raise CommandError("A demo process stopped unexpectedly; everything was stopped.")

    def _introduce(self, base_url: str) -> None:
        out = self.stdout.write
        out("")
        out(self.style.SUCCESS(f"socialdesk is serving on {base_url}/"))
        out("Demo users (passwords are new at every start):")
        for username, role, password in reset_passwords(alphabet=DEMO_PASSWORD_ALPHABET):
            out(f"  {role:13} {username:19} {password}")
        channels = demo_channels()
        if "webform" in channels:
            out(
                f"Web form (public): {settings.PUBLIC_BASE_URL}"
                f"{channels['webform'].adapter().form_path}"
            )
        out(
            f"Sandbox platform (what the demo channels sent): {settings.PUBLIC_BASE_URL}"
            f"{reverse('sandbox')}"
        )
        out(
            f"Channels and their public addresses: {settings.PUBLIC_BASE_URL}"
            f"{reverse('channel-health')}"
        )
        out(
            "A worker with beat runs the periodic jobs; new mentions arrive every "
            f"{settings.DEMO_TRAFFIC_SECONDS:g} s. Stop everything with Ctrl+C."
        )
        out("")

import logging
import random
import secrets
from datetime import timedelta
from typing import Any

from celery import current_app as celery_app
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from desk.dashboards.rollups import rebuild as rebuild_rollups
from desk.demo.baseline import seed_usual_volume
from desk.demo.channels import ensure_channels
from desk.demo.data import MENTIONS
from desk.demo.desk_content import seed_desk_content, seed_press_holding_reply
from desk.demo.feed import seed_feed_mentions
from desk.demo.history import answer_history, draft_for_approval
from desk.demo.people import link_personas, moment_at_risk
from desk.demo.personas import PERSONAS
from desk.demo.publish import publish
from desk.ingestion.processing import process_event
from tickets.models import Message, Queue

ROLES = ("agent", "spokesperson", "manager")
# The queues each demo role works (a user sees only their queues' tickets).
ROLE_QUEUES = {
    "agent": ("inbound", "technical"),
    "spokesperson": ("inbound", "technical", "communications", "sales"),
    "manager": ("inbound", "technical", "communications", "sales"),
    "admin": ("inbound", "technical", "communications", "sales"),
}
DEMO_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # noqa: S105  # nosec B105


class Command(BaseCommand):
    help = "Create demo channels, staff users (one per role) and realistic mentions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mentions", type=int, default=200)
        parser.add_argument("--days", type=int, default=28)
        parser.add_argument("--seed", type=int, default=2013)
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if there are messages already"
        )

    def handle(self, *args: Any, mentions: int, days: int, seed: int, **options: Any) -> None:
        if options["if_empty"] and Message.objects.exists():
            self.stdout.write("Demo data exists already; log in with the users printed before.")
            return
        # No worker runs while the demo is seeded: its tasks run here, as they are enqueued.
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        # One log line per task would bury the users and passwords printed here.
        trace_log = logging.getLogger("celery.app.trace")
        level = trace_log.level
        trace_log.setLevel(logging.WARNING)
        try:
            self._seed(mentions=mentions, days=days, seed=seed)
        finally:
            celery_app.conf.task_always_eager = eager
            trace_log.setLevel(level)

    def _seed(self, *, mentions: int, days: int, seed: int) -> None:
        rng = random.Random(seed)
        channels = ensure_channels()
        self._users()
        seed_desk_content()
        link_personas(channels=channels)
        now = timezone.now()
        for _ in range(mentions):
            persona = rng.choice(PERSONAS)
            platform = rng.choice(persona.platforms)
            category = rng.choice(list(MENTIONS))
            texts = MENTIONS[category].get(persona.language) or MENTIONS[category]["en"]
            self._publish(
                platform=platform,
                channel=channels[platform],
                persona=persona,
                text=rng.choice(texts),
                at=now - timedelta(minutes=rng.randint(5, days * 24 * 60)),
            )
        self.stdout.write(f"Ingested {mentions} demo mentions over the last {days} days.")
        # After the past's mentions: each was checked for a crisis at its own moment, whose
        # baseline reaches back before the usual volume written here.
        seed_usual_volume(channels=channels, rng=rng, now=now)
        self.stdout.write(f"Followed {seed_feed_mentions(channels['feed'])} blog comments.")
        responder = User.objects.get(username="demo-spokesperson")
        answered = answer_history(rng=rng, responder=responder)
        self.stdout.write(f"Answered and resolved {answered} older mentions.")
        if draft_for_approval(drafter=User.objects.get(username="demo-agent")) is not None:
            self.stdout.write("An agent's draft waits for a spokesperson's approval.")
        # Two questions close to their promised answer time: the SLA sweep warns about them.
        for persona in (PERSONAS[0], PERSONAS[2]):
            self._publish(
                platform=persona.platforms[0],
                channel=channels[persona.platforms[0]],
                persona=persona,
                text=MENTIONS["technical"][persona.language][0],
                at=moment_at_risk(now=now),
            )
        seed_press_holding_reply()
        call_command("train_classifier", stdout=self.stdout)
        rebuild_rollups()

    def _publish(self, **post: Any) -> None:
        event = publish(**post)
        # Its announcement runs after the commit, which a caller's transaction may hold back
        # (a test's); processing here, now, keeps the seed complete either way.
        if event is not None:
            process_event(event.pk)

    def _users(self) -> None:
        for role in ROLES:
            group, _ = Group.objects.get_or_create(name=role)
            username = f"demo-{role}"
            password = "".join(secrets.choice(DEMO_PASSWORD_ALPHABET) for _ in range(12))
            user, _ = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.is_staff = role == "manager"
            user.save()
            user.groups.add(group)
            user.desk_queues.add(*Queue.objects.filter(slug__in=ROLE_QUEUES[role]))
            self.stdout.write(f"{role:13} user {username!r} password {password!r}")
        admin, _ = User.objects.get_or_create(username="demo-admin")
        password = "".join(secrets.choice(DEMO_PASSWORD_ALPHABET) for _ in range(12))
        admin.set_password(password)
        admin.is_staff = admin.is_superuser = True
        admin.save()
        admin.groups.add(Group.objects.get_or_create(name="admin")[0])
        admin.desk_queues.add(*Queue.objects.filter(slug__in=ROLE_QUEUES["admin"]))
        self.stdout.write(f"{'admin':13} user 'demo-admin' password {password!r}")

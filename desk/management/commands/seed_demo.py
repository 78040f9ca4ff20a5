import json
import random
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from channels.models import Channel, InboundEvent
from channels.registry import ADAPTERS, adapter_class
from desk.dashboards.rollups import rebuild as rebuild_rollups
from desk.demo_data import MENTIONS, NAMES
from desk.demo_history import answer_history
from desk.ingestion.processing import process_event
from desk.triage.demo import seed_desk_content
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
# Kinds whose demo channel is only monitored (recorded, no SLA), as the policy describes.
MONITORED_KINDS = {"youtube"}


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
        rng = random.Random(seed)
        channels = self._channels()
        self._users()
        seed_desk_content()
        webhook_channel = channels["webhook"]
        now = timezone.now()
        created = 0
        for n in range(mentions):
            category = rng.choice(list(MENTIONS))
            language = rng.choice(list(MENTIONS[category]))
            text = rng.choice(MENTIONS[category][language])
            name = rng.choice(NAMES)
            received = now - timedelta(minutes=rng.randint(5, days * 24 * 60))
            payload = {
                "type": "message",
                "id": f"demo-{seed}-{n}",
                "text": text,
                "language": language,
                "created_at": received.isoformat(),
                "author": {
                    "id": name.lower().replace(" ", "."),
                    "name": name,
                    "handle": "@" + name.split()[0].lower(),
                },
            }
            with transaction.atomic():
                event = InboundEvent.objects.create(
                    channel=webhook_channel,
                    source=InboundEvent.Source.WEBHOOK,
                    delivery_id=str(payload["id"]),
                    body=json.dumps(payload).encode(),
                    content_type="application/json",
                    received_at=received,
                )
            created += bool(process_event(event.pk)[1])
        self.stdout.write(f"Ingested {created} demo mentions over the last {days} days.")
        responder = User.objects.get(username="demo-spokesperson")
        answered = answer_history(rng=rng, responder=responder)
        # Without Redis no beat runs the minute refresh: build the dashboards' rollups now.
        rebuild_rollups()
        self.stdout.write(f"Answered and resolved {answered} older mentions.")

    def _channels(self) -> dict[str, Channel]:
        channels = {}
        for kind in ADAPTERS:
            level = (
                Channel.ServiceLevel.MONITORED
                if kind in MONITORED_KINDS
                else Channel.ServiceLevel.SERVED
            )
            adapter = adapter_class(kind)
            channel, _ = Channel.objects.get_or_create(
                name=f"Demo {kind}",
                defaults={
                    "kind": kind,
                    "service_level": level,
                    "config": {
                        f.name: f.example if f.example is not None else f.default
                        for f in adapter.config_fields
                        if not f.secret and (f.example is not None or f.default is not None)
                    },
                    "credentials": {
                        f.name: secrets.token_urlsafe(16) for f in adapter.config_fields if f.secret
                    },
                    "tracked_terms": ["#infopark", "#iico{year}"] if adapter.tracks_terms else [],
                    # Demo credentials reach no real account: polling waits for real ones.
                    "is_active": not adapter.polls,
                    "disabled_reason": "Demo channel: set real credentials with `manage.py "
                    "channel set`, then `manage.py channel enable`."
                    if adapter.polls
                    else "",
                },
            )
            channels[kind] = channel
        return channels

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

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from channels.models import Channel
from desk.models import SCOPE_HELP, ApiClient, Scope, all_scopes

API_CHANNEL_NAME = "REST API"


class Command(BaseCommand):
    help = (
        "Create, list or revoke REST API clients. A token is printed once, at creation, "
        "with the scopes chosen then."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a client and print its token")
        create.add_argument("name")
        create.add_argument(
            "--scope",
            dest="scopes",
            action="append",
            choices=all_scopes(),
            metavar="SCOPE",
            help="what the token may do, repeatable; default: all of "
            + ", ".join(f"{scope} ({SCOPE_HELP[scope]})" for scope in Scope),
        )
        sub.add_parser("list", help="list clients")
        revoke = sub.add_parser("revoke", help="revoke a client's token")
        revoke.add_argument("name")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action}")(**options)

    def _create(self, name: str, scopes: list[str] | None, **_: Any) -> None:
        if ApiClient.objects.filter(name=name).exists():
            raise CommandError(f"An API client named {name!r} exists already.")
        with transaction.atomic():
            channel, _created = Channel.objects.get_or_create(
                name=API_CHANNEL_NAME, defaults={"kind": "api"}
            )
            # In the enum's order, once each, whatever order they were given in.
            chosen = [scope for scope in all_scopes() if scopes is None or scope in scopes]
            client = ApiClient(name=name, channel=channel, scopes=chosen)
            token = client.issue_token()
            client.save()
        self.stdout.write(
            f"Created API client {name!r} with the scopes {' '.join(chosen)}. "
            "Its token (shown only now):"
        )
        self.stdout.write(token)

    def _list(self, **_: Any) -> None:
        for client in ApiClient.objects.order_by("name"):
            state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
            scopes = " ".join(client.scopes) or "(no scopes)"
            self.stdout.write(f"{client.name}\t{client.token_prefix}\t{state}\t{scopes}")

    def _revoke(self, name: str, **_: Any) -> None:
        client = ApiClient.objects.filter(name=name).first()
        if client is None:
            raise CommandError(f"No API client named {name!r}.")
        client.revoke()
        self.stdout.write(f"Revoked {name!r}.")

"""`manage.py x_activity subscribe|status CHANNEL`: an X channel's X Activity API webhook.

`subscribe` registers the channel's webhook URL with X when the channel has no webhook id
yet (X checks our CRC answer before it accepts), saves the id, and subscribes the account to
every event type the desk reads. Run it again at any time: existing subscriptions are kept.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from channels.adapters.base import AdapterError
from channels.models import Channel
from channels.services import update_channel


class Command(BaseCommand):
    help = "Register an X channel's webhook and its X Activity API subscriptions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("subscribe", "status"))
        parser.add_argument("name", help="the X channel's name")

    def handle(self, *args: Any, action: str, name: str, **options: Any) -> None:
        channel = Channel.objects.filter(name=name, kind="x").first()
        if channel is None:
            raise CommandError(f"No X channel is named {name!r}.")
        adapter = channel.adapter()
        try:
            if action == "subscribe":
                self.subscribe(channel, adapter)
            else:
                self.status(adapter)
        except AdapterError as exc:
            raise CommandError(str(exc)) from None

    def subscribe(self, channel: Channel, adapter: Any) -> None:
        webhook_id = str(adapter.config.get("webhook_id") or "")
        if not webhook_id:
            webhook_id = adapter.register_webhook()
            channel = update_channel(channel=channel, values={"webhook_id": webhook_id})
            adapter = channel.adapter()
            self.stdout.write(f"Registered webhook {webhook_id} for {channel.webhook_url}")
        added = adapter.subscribe_activity(webhook_id=webhook_id)
        self.stdout.write(
            f"Subscribed to {', '.join(added)}" if added else "All subscriptions were in place."
        )

    def status(self, adapter: Any) -> None:
        subscriptions = adapter.activity_subscriptions()
        if not subscriptions:
            self.stdout.write("No X Activity subscriptions for this account.")
        for item in subscriptions:
            webhook = item.get("webhook_id") or "stream only"
            self.stdout.write(f"{item['event_type']}\t{item['subscription_id']}\t{webhook}")

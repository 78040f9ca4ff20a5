"""`manage.py channel add|list|poll|test|set|enable|kinds`: channels from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q
from django.template.defaultfilters import pluralize
from django.utils import timezone

from channels.adapters.base import AdapterError
from channels.adapters.feed.recipes import RECIPES, RecipeError, recipe
from channels.health.report import TokenFact, health_reports
from channels.models import Channel, InboundEvent
from channels.polling import PollStatus, poll_channel
from channels.registry import ADAPTERS, adapter_class
from channels.services import ChannelConfigError, create_channel, enable_channel, update_channel


def parse_assignments(items: list[str]) -> dict[str, str]:
    values = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"--set takes name=value, not {item!r}.")
        values[name.strip()] = value
    return values


def split_terms(raw: str | None) -> list[str] | None:
    return None if raw is None else [term for term in raw.split(",") if term.strip()]


class Command(BaseCommand):
    help = "Add, list, poll and test channels."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="create a channel")
        add.add_argument("kind", choices=list(ADAPTERS))
        add.add_argument("--name", required=True)
        add.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
        add.add_argument("--terms", help="comma-separated tracked terms, e.g. '#iico{year},acme'")
        level = add.add_mutually_exclusive_group()
        level.add_argument(
            "--monitored", action="store_true", help="record only: no SLA, no ticket"
        )
        level.add_argument("--served", action="store_true", help="answered, with an SLA")
        add.add_argument("--interval", type=int, help="seconds between polls")
        add.add_argument(
            "--recipe", choices=list(RECIPES), help="feeds: build the URL from an account name"
        )
        for param in ("account", "board", "site"):
            add.add_argument(f"--{param}", help=f"the recipe's {param}")
        sub.add_parser("list", help="channels with their health")
        sub.add_parser("recipes", help="feed recipes and what each platform's feed holds")
        sub.add_parser("kinds", help="channel kinds and their settings")
        for action, text in (
            ("poll", "poll a channel now"),
            ("test", "check a channel's credentials"),
            ("enable", "switch a disabled channel back on"),
        ):
            sub.add_parser(action, help=text).add_argument("name")
        change = sub.add_parser("set", help="change settings or tracked terms")
        change.add_argument("name")
        change.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
        change.add_argument("--terms")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"do_{action}")(**options)

    def channel(self, name: str) -> Channel:
        channel = Channel.objects.filter(name=name).first()
        if channel is None:
            raise CommandError(f"No channel named {name!r}; see `manage.py channel list`.")
        return channel

    def do_add(self, *, kind: str, name: str, **options: Any) -> None:
        values = parse_assignments(options["set"])
        if options["recipe"]:
            values.update(self.recipe_values(kind, options))
        level = None
        if options["monitored"]:
            level = Channel.ServiceLevel.MONITORED
        elif options["served"]:
            level = Channel.ServiceLevel.SERVED
        try:
            channel = create_channel(
                kind=kind,
                name=name,
                values=values,
                tracked_terms=split_terms(options["terms"]),
                service_level=level,
                poll_interval_seconds=options["interval"],
            )
        except ChannelConfigError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Created {channel.get_kind_display()} channel {channel.name!r} "
            f"({channel.get_service_level_display().lower()})."
        )
        if channel.config.get("url") and options["recipe"]:
            self.stdout.write(f"feed: {channel.config['url']}")
        for label, value in channel.adapter().entry_points().items():
            self.stdout.write(f"{label}: {value}")

    @staticmethod
    def recipe_values(kind: str, options: dict[str, Any]) -> dict[str, str]:
        if kind != "feed":
            raise CommandError("--recipe builds a feed URL: use it with the feed kind.")
        given = {p: options[p] for p in ("account", "board", "site") if options.get(p)}
        try:
            url = recipe(options["recipe"]).build_url(given)
        except RecipeError as exc:
            raise CommandError(str(exc)) from None
        return {"url": url, "recipe": options["recipe"]}

    def do_recipes(self, **options: Any) -> None:
        for item in RECIPES.values():
            self.stdout.write(f"{item.slug}: {item.label}")
            self.stdout.write(f"    {item.command}")
            self.stdout.write(f"    URL: {item.example_url}")
            self.stdout.write(f"    Has: {item.exposes}")
            self.stdout.write(f"    Not: {item.does_not_expose}")

    def do_set(self, *, name: str, **options: Any) -> None:
        try:
            update_channel(
                channel=self.channel(name),
                values=parse_assignments(options["set"]),
                tracked_terms=split_terms(options["terms"]),
            )
        except ChannelConfigError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Updated {name!r}.")

    def do_list(self, **options: Any) -> None:
        channels = list(
            Channel.objects.annotate(
                failed_events=Count("inbound_events", filter=Q(inbound_events__state="failed"))
            )
        )
        reports = health_reports(channels)
        for channel in channels:
            line = (
                f"{channel.name:30} {channel.kind:10} {channel.service_level:9} "
                f"{channel.health:8} last ok: {_when(channel.last_success_at)}"
            )
            if channel.health in ("failing", "disabled"):
                line += f" | error: {channel.why_disabled or channel.last_error}"
            if channel.failed_events:
                line += f" | {channel.failed_events} failed event{pluralize(channel.failed_events)}"
            self.stdout.write(line)
            if channel.tracked_terms:
                self.stdout.write(f"{'':30} terms: {', '.join(channel.adapter().tracked_terms())}")
            for label, value in channel.adapter().health_details().items():
                self.stdout.write(f"{'':30} {label}: {value}")
            if token := reports[channel.pk].token:
                self.stdout.write(f"{'':30} {_token_line(token)}")

    def do_kinds(self, **options: Any) -> None:
        for kind in ADAPTERS:
            adapter = adapter_class(kind)
            modes = [
                m
                for m, on in (("webhook", adapter.receives_webhooks), ("poll", adapter.polls))
                if on
            ]
            limit = adapter.max_reply_length or "none"
            self.stdout.write(
                f"{kind}: {adapter.label} ({', '.join(modes) or 'push'}; reply limit {limit})"
            )
            for f in adapter.config_fields:
                flags = ", ".join(
                    word
                    for word, on in (
                        ("secret", f.secret),
                        ("required", f.required and f.default is None),
                    )
                    if on
                )
                default = f" default {f.default!r}" if f.default is not None else ""
                self.stdout.write(
                    f"    {f.name} ({f.type}{', ' + flags if flags else ''}){default}: {f.label}"
                )

    def do_poll(self, *, name: str, **options: Any) -> None:
        channel = self.channel(name)
        if not channel.adapter().polls:
            raise CommandError(f"{channel.get_kind_display()} channels are not polled.")
        if not channel.is_active:
            raise CommandError(
                f"{name!r} is disabled: {channel.why_disabled}. "
                f"Fix it, then `manage.py channel enable {name}`."
            )
        report = poll_channel(channel_id=channel.pk)
        self.stdout.write(
            f"{report.status}: {report.stored} new event{pluralize(report.stored)}, "
            f"{report.duplicates} already known, {report.pages} page{pluralize(report.pages)}"
        )
        pending = InboundEvent.objects.filter(channel=channel, state="pending").count()
        if pending:
            self.stdout.write(f"{pending} event{pluralize(pending)} waiting to be processed")
        if report.status in (PollStatus.FAILED, PollStatus.DISABLED):
            raise CommandError(report.error)

    def do_test(self, *, name: str, **options: Any) -> None:
        channel = self.channel(name)
        try:
            account = channel.adapter().check_credentials()
        except AdapterError as exc:
            raise CommandError(f"{name!r}: {exc}") from None
        self.stdout.write(f"OK: {account}")

    def do_enable(self, *, name: str, **options: Any) -> None:
        enable_channel(channel=self.channel(name))
        self.stdout.write(f"Enabled {name!r}.")


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


def _token_line(token: TokenFact) -> str:
    when = f"{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}"
    if token.expired:
        return f"token expired: {when}"
    renewal = "renewed automatically" if token.refreshable else "cannot be renewed: connect again"
    days = f"{token.days_left} day{'s' if token.days_left != 1 else ''}"
    return f"token expires: {when} (in {days}), {renewal}"

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from channels.models import Channel
from desk.privacy.models import NoticeMethod, RetentionNotice
from desk.privacy.services.notices import configure_channel, publish_notice


class Command(BaseCommand):
    help = (
        "Retention notices: list the versions, publish a new version in a language (it "
        "supersedes the previous one; versions already given are never edited), or set how a "
        "channel gives the notice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="list notice versions")
        publish = sub.add_parser("publish", help="publish a new version in a language")
        publish.add_argument("--language", required=True)
        publish.add_argument("--text-file", required=True, help="UTF-8 file with the text")
        publish.add_argument("--days", type=int, required=True, help="retention period in days")
        publish.add_argument("--basis", required=True, help="the legal basis")
        channel = sub.add_parser("channel", help="set how a channel gives the notice")
        channel.add_argument("name")
        channel.add_argument("--method", required=True, choices=NoticeMethod.values)
        channel.add_argument("--default-language", default="en")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action}")(**options)

    def _list(self, **_: Any) -> None:
        for notice in RetentionNotice.objects.order_by("language", "version"):
            used = "given" if notice.is_used() else "unused"
            self.stdout.write(
                f"{notice.language} v{notice.version}\t{notice.retention_days} days\t"
                f"{notice.published_at:%Y-%m-%d}\t{used}"
            )

    def _publish(self, language: str, text_file: str, days: int, basis: str, **_: Any) -> None:
        if days < 1:
            raise CommandError("The retention period must be at least one day.")
        text = Path(text_file).read_text(encoding="utf-8").strip()
        if not text:
            raise CommandError("The notice text is empty.")
        try:
            notice = publish_notice(
                language=language, text=text, retention_days=days, legal_basis=basis
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Published {notice}; it supersedes earlier versions from now on.")

    def _channel(self, name: str, method: str, default_language: str, **_: Any) -> None:
        channel = Channel.objects.filter(name=name).first()
        if channel is None:
            raise CommandError(f"No channel named {name!r}.")
        try:
            configure_channel(channel=channel, method=method, default_language=default_language)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{name}: the notice is now {NoticeMethod(method).label.lower()}.")

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.template.defaultfilters import pluralize

from desk.privacy.services.retention import preview, run_retention


class Command(BaseCommand):
    help = (
        "Anonymize (or delete) conversations whose retention period has passed, as the nightly "
        "task does. --dry-run shows what the run would do and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument("--show", type=int, default=20, help="conversations listed (dry run)")

    def handle(
        self, *args: Any, dry_run: bool, batch_size: int | None, show: int, **_: Any
    ) -> None:
        if dry_run:
            plan = preview(sample_size=show)
            self.stdout.write(
                f"Dry run ({plan.action}): {plan.conversations} "
                f"conversation{pluralize(plan.conversations)} with {plan.messages} "
                f"message{pluralize(plan.messages)} {pluralize(plan.conversations, 'is,are')} "
                f"due; {plan.held} expired conversation{pluralize(plan.held)} "
                f"{pluralize(plan.held, 'is,are')} under legal hold and kept."
            )
            for conversation in plan.sample:
                self.stdout.write(
                    f"  conversation {conversation.pk}  {conversation.channel.name}  "
                    f"last activity {conversation.last_activity_at:%Y-%m-%d}"
                )
            return
        report = run_retention(batch_size=batch_size)
        self.stdout.write(
            f"{report.action}: {report.conversations} "
            f"conversation{pluralize(report.conversations)} and {report.contacts} "
            f"contact{pluralize(report.contacts)} in {report.batches} "
            f"batch{pluralize(report.batches, 'es')}, {report.seconds:.1f} s"
        )

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext_noop

from desk.classification.learning.versions import train_version


class Command(BaseCommand):
    help = "Train a classifier version from the seed set and staff corrections (as the task does)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-activate", action="store_true", help="store it, keep the old one")

    def handle(self, *args: Any, no_activate: bool, **options: Any) -> None:
        version = train_version(
            activate=not no_activate, note=gettext_noop("trained by manage.py train_classifier")
        )
        state = "active" if version.is_active else "stored, not active"
        self.stdout.write(
            f"v{version.number} ({state}): {version.example_count} examples, "
            f"{version.correction_count} corrections, evaluation F1 {version.metrics}"
        )

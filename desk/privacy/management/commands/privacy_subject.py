import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string

from desk.privacy.models import DataSubjectRequest
from desk.privacy.services.subjects import (
    InvalidSubjectQuery,
    SubjectQuery,
    SubjectUnderLegalHold,
    access_request,
    erasure_request,
    find_subject,
)


class Command(BaseCommand):
    help = (
        "Data subject requests (GDPR art. 15 and 17): find, export or erase everything held "
        "about a person named by e-mail address, handle or contact id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["find", "export", "erase"])
        parser.add_argument("--email", default="")
        parser.add_argument("--handle", default="")
        parser.add_argument("--contact", default=None)
        parser.add_argument("--note", default="", help="a reference, without personal data")
        parser.add_argument("--by", default="", help="username of the manager fulfilling it")
        parser.add_argument("--output", default="", help="export: write JSON here, not stdout")
        parser.add_argument("--html", default="", help="export: also write a readable page here")
        parser.add_argument("--yes", action="store_true", help="erase: confirm, cannot be undone")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            query = SubjectQuery.of(
                email=options["email"], handle=options["handle"], contact_id=options["contact"]
            )
        except InvalidSubjectQuery as exc:
            raise CommandError(str(exc)) from None
        actor = self._actor(options["by"])
        if action == "find":
            subject = find_subject(query=query)
            for name, value in subject.counts().items():
                self.stdout.write(f"{name}: {value}")
            return
        if action == "export":
            fulfilled, export = access_request(
                query=query, actor=actor, via=DataSubjectRequest.Via.COMMAND, note=options["note"]
            )
            text = json.dumps(export, indent=2, ensure_ascii=False)
            if options["output"]:
                Path(options["output"]).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text)
            if options["html"]:
                page = render_to_string(
                    "privacy/subject_export.html", {"export": export, "fulfilled": fulfilled}
                )
                Path(options["html"]).write_text(page, encoding="utf-8")
            self.stderr.write(f"Access request #{fulfilled.pk} recorded.")
            return
        if not options["yes"]:
            raise CommandError("Erasure cannot be undone: add --yes to confirm.")
        try:
            fulfilled = erasure_request(
                query=query, actor=actor, via=DataSubjectRequest.Via.COMMAND, note=options["note"]
            )
        except SubjectUnderLegalHold as exc:
            raise CommandError(str(exc)) from None
        counts = ", ".join(f"{value} {name}" for name, value in fulfilled.counts.items())
        self.stdout.write(f"Erasure request #{fulfilled.pk} recorded: {counts}.")

    @staticmethod
    def _actor(username: str) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        return user

"""What the channels keep about a person, removed by erasure and retention (registered in the
privacy app's ready(), run inside its transaction)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction

from channels.models import Attachment, DeliveryAttempt
from desk.privacy.services.redaction import REDACTED, RedactionScope


def redact_attachments(scope: RedactionScope) -> int:
    """The files that came with the scope's messages: the bytes go from MEDIA_ROOT, the name,
    link and checksum from the record; the size and type stay for the counts."""
    changed = 0
    paths: set[str] = set()
    for messages in scope.messages():
        attachments = Attachment.objects.filter(message__in=messages.values("pk"))
        paths |= set(attachments.exclude(file="").values_list("file", flat=True))
        changed += attachments.update(name=REDACTED, url="", file="", sha256="")
    if paths:
        # Only once the erasure is committed: a rollback must not leave records without files.
        transaction.on_commit(lambda: delete_unused_files(paths))
    return changed


def delete_unused_files(paths: set[str]) -> None:
    """Delete stored files no attachment refers to. Files are content-addressed, so someone
    else who sent the same bytes shares the file: theirs stays."""
    used = set(Attachment.objects.filter(file__in=paths).values_list("file", flat=True))
    for path in sorted(paths - used):
        default_storage.delete(path)


def redact_delivery_attempts(scope: RedactionScope) -> int:
    # A platform's error may quote the reply it refused.
    return sum(
        DeliveryAttempt.objects.filter(message__in=messages.values("pk"))
        .exclude(error="")
        .update(error="")
        for messages in scope.messages()
    )

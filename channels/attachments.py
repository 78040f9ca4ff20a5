"""Storing the files that come with inbound messages (a step of the desk's ingest pipeline)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from channels.models import Attachment, attachment_path

if TYPE_CHECKING:
    from channels.adapters.base import Mention
    from tickets.models import Message

MAX_NAME_LENGTH = 255


def store_attachments(*, message: Message, mention: Mention) -> None:
    """Record each attachment of a new message; keep the bytes under MEDIA_ROOT."""
    for media in mention.attachments:
        attachment = Attachment(
            message=message,
            name=(media.name or "attachment")[:MAX_NAME_LENGTH],
            content_type=media.content_type[:255],
            size=media.size,
            url=media.url[:1000],
        )
        if media.content is not None:
            attachment.sha256 = hashlib.sha256(media.content).hexdigest()
            path = attachment_path(attachment, attachment.name)
            # Same bytes, same path: a retried ingestion does not write a second copy.
            if not default_storage.exists(path):
                default_storage.save(path, ContentFile(media.content))
            attachment.file.name = path
        attachment.save()

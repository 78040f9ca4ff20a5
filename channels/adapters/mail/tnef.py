"""Outlook's winmail.dat (application/ms-tnef): the files inside, as the sender attached them.

Exchange wraps attachments (and rich text) in TNEF when it believes the recipient is Outlook;
every other reader sees one opaque winmail.dat. https://learn.microsoft.com/openspecs/
exchange_server_protocols/ms-oxtnef
"""

from __future__ import annotations

import logging
import mimetypes

from tnefparse import TNEF

from channels.adapters.base import MediaFile

TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})
log = logging.getLogger(__name__)


def is_tnef(content_type: str, filename: str | None) -> bool:
    return content_type in TNEF_TYPES or (filename or "").lower() == "winmail.dat"


def unpack(content: bytes) -> list[MediaFile]:
    """The files in a winmail.dat; empty when it holds none or is damaged (then the caller
    keeps the winmail.dat itself, so nothing the customer sent is lost)."""
    try:
        # Checksums are skipped: Outlook writes wrong ones often enough that checking only
        # loses files.
        container = TNEF(content, do_checksum=False)
    except Exception as exc:  # noqa: BLE001 - tnefparse raises anything on damaged input
        log.info("winmail.dat could not be read: %s", exc)
        return []
    files = []
    for attachment in container.attachments:
        data = attachment.data or b""
        if not isinstance(data, bytes) or not data:
            continue
        name = _name(attachment)
        files.append(
            MediaFile(
                name=name,
                content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                size=len(data),
                content=data,
            )
        )
    return files


def _name(attachment: object) -> str:
    for read in ("long_filename", "name"):
        try:
            value = getattr(attachment, read)
            value = value() if callable(value) else value
        except (UnicodeError, AttributeError, ValueError, TypeError):
            continue
        if value:
            return str(value).strip("\x00").strip() or "attachment"
    return "attachment"

"""Messaging windows: Messenger and Instagram let a page answer a private message only
within 24 hours of the person's last message. The window's end is kept on the conversation
and shown on the ticket as a deadline.
https://developers.facebook.com/docs/messenger-platform/policy/policy-overview#24hours_window
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from channels.platforms.models import MessagingWindow

if TYPE_CHECKING:
    from channels.adapters.base import Mention
    from tickets.models import Message

# Set by an adapter in Mention.metadata when its platform limits how long a reply may wait.
WINDOW_KEY = "reply_window_hours"


def record_messaging_window(*, message: Message, mention: Mention) -> None:
    """A step of the desk's ingest pipeline: each new private message moves the
    conversation's window on."""
    if not mention.metadata.get(WINDOW_KEY):
        return
    closes_at = mention.created_at + timedelta(hours=float(mention.metadata[WINDOW_KEY]))
    window, created = MessagingWindow.objects.get_or_create(
        conversation_id=message.conversation_id, defaults={"closes_at": closes_at}
    )
    if not created and window.closes_at < closes_at:
        MessagingWindow.objects.filter(pk=window.pk).update(closes_at=closes_at)

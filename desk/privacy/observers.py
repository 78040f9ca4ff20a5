"""A step of the ingest pipeline (desk.ingestion.pipeline) for every new message."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from desk.privacy.models import ConversationNotice, NoticeMethod, RetentionNotice
from desk.privacy.services.notices import (
    NOTICE_METADATA_KEY,
    channel_config,
    notice_for_conversation,
    record_notice,
    record_shown_on_web_form,
)

if TYPE_CHECKING:
    from channels.adapters.base import Mention
    from tickets.models import Message

log = logging.getLogger(__name__)


def record_notice_for_new_conversation(*, message: Message, mention: Mention) -> None:
    """Record the notice of channels that give it before the person writes.

    A channel profile shows it to everyone who writes there; a web form shows it before
    submission and passes the version shown in the mention's metadata. Notices that travel
    in our first reply are recorded by the reply service instead.
    """
    conversation = message.conversation
    config = channel_config(conversation.channel)
    if config.method not in (NoticeMethod.CHANNEL_PROFILE, NoticeMethod.WEB_FORM):
        return
    if ConversationNotice.objects.filter(conversation=conversation).exists():
        return
    if config.method == NoticeMethod.CHANNEL_PROFILE:
        notice = notice_for_conversation(conversation, at=message.created_at, config=config)
        if notice is not None:
            record_notice(
                conversation=conversation,
                notice=notice,
                method=NoticeMethod.CHANNEL_PROFILE,
                given_at=message.created_at,
                message=message,
            )
        return
    metadata = mention.metadata
    shown = _shown_notice(metadata.get(NOTICE_METADATA_KEY))
    if shown is None:
        # Listed among the conversations without a notice, for staff to follow up.
        log.warning("web form message %s arrived without the notice it showed", message.pk)
        return
    notice, shown_at = shown
    record_shown_on_web_form(
        conversation=conversation,
        notice=notice,
        shown_at=shown_at or message.created_at,
        message=message,
    )


def _shown_notice(value: Any) -> tuple[RetentionNotice, datetime | None] | None:
    if not isinstance(value, dict) or not isinstance(value.get("id"), int):
        return None
    notice = RetentionNotice.objects.filter(pk=value["id"]).first()
    if notice is None:
        return None
    shown_at = None
    if isinstance(value.get("shown_at"), str):
        try:
            shown_at = datetime.fromisoformat(value["shown_at"])
        except ValueError:
            shown_at = None
    if shown_at is not None and shown_at.tzinfo is None:
        shown_at = None
    return notice, shown_at

"""The retention notice of a conversation as recorded, for the ticket page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.conf import settings

from desk.privacy.models import ConversationNotice, NoticeInTransit
from tickets.models import Conversation, Message

register = template.Library()


@dataclass(frozen=True)
class RetentionRecord:
    record: ConversationNotice | None
    # A notice travelling in a reply not delivered yet (or whose delivery failed).
    in_transit: NoticeInTransit | None
    retention_days: int
    # What happens at the end: "anonymize" or "delete".
    action: str
    # When the conversation's personal data is due to go, counted from its last activity.
    until: datetime | None


@register.simple_tag
def retention_of(conversation: Conversation) -> RetentionRecord:
    record = (
        ConversationNotice.objects.filter(conversation=conversation)
        .select_related("notice", "channel", "message")
        .first()
    )
    in_transit = None
    if record is None:
        in_transit = (
            NoticeInTransit.objects.filter(conversation=conversation)
            .exclude(message__delivery_state=Message.Delivery.SENT)
            .select_related("notice", "message")
            .order_by("-id")
            .first()
        )
    days = record.notice.retention_days if record else settings.PRIVACY_UNNOTICED_RETENTION_DAYS
    last: Any = conversation.last_activity_at
    return RetentionRecord(
        record=record,
        in_transit=in_transit,
        retention_days=days,
        action=settings.PRIVACY_RETENTION_ACTION,
        until=last + timedelta(days=days) if last else None,
    )

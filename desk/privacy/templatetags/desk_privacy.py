"""The retention notice of a conversation as recorded, and the legal holds that keep it, for the
ticket page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import gettext

from desk.privacy.models import ConversationNotice, LegalHold, NoticeInTransit
from desk.privacy.services.redaction import RECORD_LABELS
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
    # Active holds on the conversation or on its person: while one lasts, `until` passes and
    # nothing goes (the page must not promise a deletion that retention will skip).
    holds: list[LegalHold]


@register.simple_tag
def retention_of(conversation: Conversation, held: bool | None = None) -> RetentionRecord:
    """`held` is what the page already knows (False spares the query of holds)."""
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
        holds=[]
        if held is False
        else list(
            LegalHold.objects.covering(conversation=conversation, contact=conversation.contact_id)
            .select_related("created_by")
            .order_by("created_at", "id")
        ),
    )


@register.filter
def record_counts(counts: dict[str, int]) -> str:
    """A request's, run's or audit entry's counts by kind of record, in the reader's language
    and in the order of RECORD_LABELS (the database keeps no order of a JSON object's keys)."""
    colon = gettext(":")
    return ", ".join(
        f"{RECORD_LABELS.get(kind, kind.replace('_', ' '))}{colon} {counts[kind]}"
        for kind in sorted(
            counts, key=lambda kind: (_COUNT_ORDER.get(kind, len(_COUNT_ORDER)), kind)
        )
    )


_COUNT_ORDER = {kind: n for n, kind in enumerate(RECORD_LABELS)}

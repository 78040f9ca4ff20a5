"""Retention: a conversation's personal data goes once its notice's period after the last
activity has passed, unless a legal hold keeps it. Streamed in keyset batches, so memory stays
bounded whatever the size of the desk."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from channels.models import InboundEvent
from desk.models import Inquiry
from desk.privacy.models import ConversationRedaction, LegalHold, RetentionNotice
from desk.privacy.services import audit
from desk.privacy.services.redaction import RedactionScope, redact
from tickets.models import Contact, Conversation, Message

ANONYMIZE = "anonymize"
DELETE = "delete"


def _expired(now: datetime) -> Q:
    unnoticed = timedelta(days=settings.PRIVACY_UNNOTICED_RETENTION_DAYS)
    q = Q(retention_notice__isnull=True, last_activity_at__lt=now - unnoticed)
    periods = RetentionNotice.objects.values_list("retention_days", flat=True).distinct()
    for days in periods:
        q |= Q(
            retention_notice__notice__retention_days=days,
            last_activity_at__lt=now - timedelta(days=days),
        )
    return q


def _held() -> Q:
    holds = LegalHold.objects.active()
    return Q(Exists(holds.filter(conversation=OuterRef("pk")))) | Q(
        Exists(holds.filter(contact=OuterRef("contact_id")))
    )


def _not_redacted() -> Q:
    return ~Q(Exists(ConversationRedaction.objects.filter(conversation=OuterRef("pk"))))


def expired_conversations(*, now: datetime | None = None) -> QuerySet[Conversation]:
    """Conversations the next run removes: expired, not held, not already redacted."""
    now = now or timezone.now()
    return Conversation.objects.filter(_expired(now), _not_redacted()).exclude(_held())


def held_conversations(*, now: datetime | None = None) -> QuerySet[Conversation]:
    """Expired conversations that a legal hold keeps."""
    now = now or timezone.now()
    return Conversation.objects.filter(_expired(now), _not_redacted(), _held())


@dataclass
class RetentionPreview:
    action: str
    conversations: int
    messages: int
    held: int
    sample: list[Conversation] = field(default_factory=list)


def preview(*, now: datetime | None = None, sample_size: int = 50) -> RetentionPreview:
    """What the next run would do, changing nothing (the dry run)."""
    now = now or timezone.now()
    expired = expired_conversations(now=now)
    return RetentionPreview(
        action=settings.PRIVACY_RETENTION_ACTION,
        conversations=expired.count(),
        messages=Message.objects.filter(conversation__in=expired.values("pk")).count(),
        held=held_conversations(now=now).count(),
        sample=list(
            expired.select_related("channel", "retention_notice__notice").order_by(
                "last_activity_at", "pk"
            )[:sample_size]
        ),
    )


@dataclass
class RetentionReport:
    action: str
    conversations: int = 0
    contacts: int = 0
    batches: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def run_retention(
    *, now: datetime | None = None, batch_size: int | None = None, actor: Any = None
) -> RetentionReport:
    """Anonymize (or delete) every expired conversation, one batch per transaction."""
    now = now or timezone.now()
    batch_size = batch_size or settings.PRIVACY_RETENTION_BATCH_SIZE
    report = RetentionReport(action=settings.PRIVACY_RETENTION_ACTION)
    started = time.monotonic()
    expired = expired_conversations(now=now).order_by("pk")
    last_pk = 0
    while True:
        ids = list(expired.filter(pk__gt=last_pk).values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        with transaction.atomic():
            _retire_batch(ids, report)
        report.batches += 1
        last_pk = ids[-1]
    report.seconds = time.monotonic() - started
    audit.record(
        actor=actor,
        action=audit.Action.RETENTION_RAN,
        summary=report.action,
        counts={
            "conversations": report.conversations,
            "contacts": report.contacts,
            "batches": report.batches,
        },
    )
    return report


def _retire_batch(ids: list[int], report: RetentionReport) -> None:
    # A person's contact record and identities go with their last live conversation.
    contact_ids = set(
        Conversation.objects.filter(pk__in=ids).values_list("contact_id", flat=True).distinct()
    )
    still_live = (
        Conversation.objects.filter(_not_redacted(), contact_id__in=contact_ids)
        .exclude(pk__in=ids)
        .values_list("contact_id", flat=True)
        .distinct()
    )
    contact_ids -= set(still_live)
    scope = RedactionScope(conversation_ids=tuple(ids), contact_ids=tuple(sorted(contact_ids)))
    event_ids = list(
        Message.objects.filter(conversation_id__in=ids, inbound_event__isnull=False)
        .values_list("inbound_event_id", flat=True)
        .distinct()
    )
    counts = redact(scope=scope, reason=ConversationRedaction.Reason.RETENTION)
    if settings.PRIVACY_RETENTION_ACTION == DELETE:
        _delete(ids, event_ids, scope.contact_ids)
    report.conversations += len(ids)
    report.contacts += len(contact_ids)
    for name, rows in counts.items():
        report.rows[name] = report.rows.get(name, 0) + rows


def _delete(ids: list[int], event_ids: list[int], contact_ids: tuple[int, ...]) -> None:
    Inquiry.objects.filter(message__conversation_id__in=ids).delete()
    Conversation.objects.filter(pk__in=ids).delete()
    InboundEvent.objects.filter(pk__in=event_ids).delete()
    Contact.objects.filter(pk__in=contact_ids).exclude(
        Exists(Conversation.objects.filter(contact=OuterRef("pk")))
    ).exclude(Exists(LegalHold.objects.filter(contact=OuterRef("pk")))).filter(
        tickets__isnull=True
    ).delete()

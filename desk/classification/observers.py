"""Ingest observers (settings.INGEST_OBSERVERS): called with every new message, in its
transaction. Each is cheap: a counter or two and an index upsert per message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desk.classification import ambassadors, crisis, similar
from desk.classification.labels import NETIQUETTE
from tickets.models import Message

if TYPE_CHECKING:
    from desk.ingestion import IngestResult


def _new_inbound(result: IngestResult) -> Message | None:
    message = result.message
    if not result.created or message is None or message.direction != Message.Direction.INBOUND:
        return None
    return message


def count_for_crisis_detection(result: IngestResult) -> None:
    message = _new_inbound(result)
    if message is None or result.classification is None:
        return
    crisis.record_mention(
        message=message, ticket=result.ticket, sentiment=result.classification.sentiment
    )


def index_for_similar_questions(result: IngestResult) -> None:
    message = _new_inbound(result)
    if message is None:
        return
    similar.index_message(
        conversation_id=message.conversation_id, language=message.language, text=message.text
    )


def tally_engagement(result: IngestResult) -> None:
    message = _new_inbound(result)
    if message is None or result.classification is None:
        return
    identity = message.author_identity
    ambassadors.tally(
        contact_id=identity.contact_id if identity else message.conversation.contact_id,
        sentiment=result.classification.sentiment,
        netiquette=result.classification.has(NETIQUETTE),
        at=message.created_at,
    )

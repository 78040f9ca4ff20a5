"""Steps of the ingest pipeline (desk.ingestion.pipeline) for every new inbound message, in
its transaction. Each is cheap: a counter or two and an index upsert per message."""

from __future__ import annotations

from desk.classification import ambassadors, crisis, similar
from desk.classification.labels import NETIQUETTE
from desk.classification.types import Classification
from tickets.models import Message, Ticket


def count_for_crisis_detection(
    *, message: Message, ticket: Ticket | None, classification: Classification
) -> None:
    crisis.record_mention(message=message, ticket=ticket, sentiment=classification.sentiment)


def index_for_similar_questions(*, message: Message) -> None:
    similar.index_message(
        conversation_id=message.conversation_id, language=message.language, text=message.text
    )


def tally_engagement(*, message: Message, classification: Classification) -> None:
    identity = message.author_identity
    ambassadors.tally(
        contact_id=identity.contact_id if identity else message.conversation.contact_id,
        sentiment=classification.sentiment,
        netiquette=classification.has(NETIQUETTE),
        at=message.created_at,
    )

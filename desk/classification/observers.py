"""Steps of the ingest pipeline (desk.ingestion.pipeline) for new inbound messages, after
their transaction commits. Each is a few statements whatever the number of messages: a counter
upsert per scope and bucket, an index upsert and a tally upsert for all of them."""

from __future__ import annotations

from collections.abc import Sequence

from desk.classification import ambassadors, crisis, similar
from desk.classification.labels import NETIQUETTE
from desk.classification.types import Classification
from tickets.models import Message, Ticket

NewMessage = tuple[Message, "Ticket | None", Classification]


def count_and_index(messages: Sequence[NewMessage]) -> None:
    """Count the messages for crisis detection, index them for similar questions and tally
    their authors' engagement, in their order."""
    count_for_crisis_detection(messages)
    index_for_similar_questions([message for message, _, _ in messages])
    tally_engagement(messages)


def count_for_crisis_detection(messages: Sequence[NewMessage]) -> None:
    crisis.record_mentions(
        [
            (message, ticket, classification.sentiment)
            for message, ticket, classification in messages
        ]
    )


def index_for_similar_questions(messages: Sequence[Message]) -> None:
    similar.index_messages(
        [(message.conversation_id, message.language, message.text) for message in messages]
    )


def tally_engagement(messages: Sequence[NewMessage]) -> None:
    ambassadors.tally_many(
        [
            ambassadors.Engagement(
                contact_id=(
                    message.author_identity.contact_id
                    if message.author_identity
                    else message.conversation.contact_id
                ),
                sentiment=classification.sentiment,
                netiquette=classification.has(NETIQUETTE),
                at=message.created_at,
            )
            for message, _, classification in messages
        ]
    )

"""Steps of the ingest pipeline (desk.ingestion.pipeline) for every new inbound message. Each is
cheap: a counter or two and an index upsert per message."""

from __future__ import annotations

from typing import Any

from django.db import connection

from desk.classification import ambassadors, crisis, similar
from desk.classification.labels import NETIQUETTE
from desk.classification.types import Classification
from tickets import prepared
from tickets.models import Message, Ticket


def count_and_index(
    *, message: Message, ticket: Ticket | None, classification: Classification
) -> None:
    """The crisis counter, the similar-questions index and the engagement tally of a new
    inbound message, run after its transaction commits.

    On PostgreSQL the three upserts are one statement: one round trip and one commit where
    they cost three of each. A negative mention then takes crisis detection's further steps.
    """
    if connection.vendor != "postgresql":
        count_for_crisis_detection(message=message, ticket=ticket, classification=classification)
        index_for_similar_questions(message=message)
        tally_engagement(message=message, classification=classification)
        return
    _in_one_statement(
        [
            crisis.count_upsert(message=message, sentiment=classification.sentiment),
            similar.index_upsert(**_indexed(message)),
            ambassadors.tally_upsert(**_tallied(message, classification)),
        ]
    )
    if classification.sentiment == "negative":
        crisis.record_mention(
            message=message, ticket=ticket, sentiment=classification.sentiment, counted=True
        )


def count_for_crisis_detection(
    *, message: Message, ticket: Ticket | None, classification: Classification
) -> None:
    crisis.record_mention(message=message, ticket=ticket, sentiment=classification.sentiment)


def index_for_similar_questions(*, message: Message) -> None:
    similar.index_message(**_indexed(message))


def tally_engagement(*, message: Message, classification: Classification) -> None:
    ambassadors.tally(**_tallied(message, classification))


def _indexed(message: Message) -> dict[str, Any]:
    return {
        "conversation_id": message.conversation_id,
        "language": message.language,
        "text": message.text,
    }


def _tallied(message: Message, classification: Classification) -> dict[str, Any]:
    identity = message.author_identity
    return {
        "contact_id": identity.contact_id if identity else message.conversation.contact_id,
        "sentiment": classification.sentiment,
        "netiquette": classification.has(NETIQUETTE),
        "at": message.created_at,
    }


def _in_one_statement(statements: list[tuple[str, list[Any]]]) -> None:
    """Run data-modifying statements (each without RETURNING) as one: each becomes a
    data-modifying CTE, which PostgreSQL runs exactly once whether or not it is read.

    Alone in autocommit mode, the statement is its own transaction, and it commits without
    waiting for the WAL flush (synchronous_commit off for this transaction only): these are
    counters and an index that follow a committed message, and a database crash in the next
    few hundred milliseconds costing one count or one index entry is what a crash between the
    message's commit and this statement costs already. The message itself stays durable.
    """
    parts = [f"step{n} AS ({sql})" for n, (sql, _params) in enumerate(statements)]
    final = "SELECT 1" if connection.in_atomic_block else _ASYNC_COMMIT
    params = [value for _sql, step_params in statements for value in step_params]
    sql = f"WITH {', '.join(parts)} {final}"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        # Only our own statements' text is joined; every value is a parameter.
        prepared.execute(connection, cursor, sql, params)


_ASYNC_COMMIT = "SELECT set_config('synchronous_commit', 'off', true)"

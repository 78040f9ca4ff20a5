"""Steps of the ingest pipeline (desk.ingestion.pipeline) for new inbound messages, after
their transaction commits: the crisis counters, the similar-questions index and the engagement
tally, whatever the number of messages in one statement on PostgreSQL; negative mentions then
take crisis detection's further steps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from desk.classification import ambassadors, crisis, similar
from desk.classification.labels import NETIQUETTE
from desk.classification.types import Classification
from tickets import prepared
from tickets.models import Message, Ticket

NewMessage = tuple[Message, "Ticket | None", Classification]


def count_and_index(messages: Sequence[NewMessage]) -> None:
    """Count the messages for crisis detection, index them for similar questions and tally
    their authors' engagement, in their order."""
    if not messages:
        return
    if connection.vendor != "postgresql":
        count_for_crisis_detection(messages)
        index_for_similar_questions([message for message, _, _ in messages])
        tally_engagement(messages)
        return
    mentions = _mentions(messages)
    _in_one_statement(
        [
            crisis.count_statement(mentions),
            similar.index_statement(_indexed([message for message, _, _ in messages])),
            ambassadors.tally_statement(_engagements(messages)),
        ]
    )
    crisis.record_mentions(mentions, counted=True)


def count_for_crisis_detection(messages: Sequence[NewMessage]) -> None:
    crisis.record_mentions(_mentions(messages))


def index_for_similar_questions(messages: Sequence[Message]) -> None:
    similar.index_messages(_indexed(messages))


def tally_engagement(messages: Sequence[NewMessage]) -> None:
    ambassadors.tally_many(_engagements(messages))


def _mentions(messages: Sequence[NewMessage]) -> list[tuple[Message, Ticket | None, str]]:
    return [
        (message, ticket, classification.sentiment) for message, ticket, classification in messages
    ]


def _indexed(messages: Sequence[Message]) -> list[tuple[int, str, str]]:
    return [(message.conversation_id, message.language, message.text) for message in messages]


def _engagements(messages: Sequence[NewMessage]) -> list[ambassadors.Engagement]:
    return [
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


def _in_one_statement(statements: list[tuple[str, list[Any]]]) -> None:
    """Run data-modifying statements (each without RETURNING) as one: each becomes a
    data-modifying CTE, which PostgreSQL runs exactly once whether or not it is read. Their
    texts do not change with the number of messages, so the statement is prepared once.

    Alone in autocommit mode, the statement is its own transaction, and it commits without
    waiting for the WAL flush (synchronous_commit off for this transaction only): these are
    counters and an index that follow committed messages, and a database crash in the next
    few hundred milliseconds costing a count or an index entry is what a crash between the
    messages' commit and this statement costs already. The messages themselves stay durable.
    """
    parts = [f"step{n} AS ({sql})" for n, (sql, _params) in enumerate(statements)]
    final = "SELECT 1" if connection.in_atomic_block else _ASYNC_COMMIT
    params = [value for _sql, step_params in statements for value in step_params]
    sql = f"WITH {', '.join(parts)} {final}"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        # Only our own statements' text is joined; every value is a parameter.
        prepared.execute(connection, cursor, sql, params)


_ASYNC_COMMIT = "SELECT set_config('synchronous_commit', 'off', true)"

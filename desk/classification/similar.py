"""Similar questions: past answered conversations that resemble a ticket's.

PostgreSQL: full-text search in the conversation's language (a stored tsvector, GIN-indexed)
combined with trigram word similarity (pg_trgm). Elsewhere (SQLite): word overlap and
character trigrams computed in Python over the most recent answered conversations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from desk.classification.models import ConversationDocument
from desk.privacy.services.reply_notice import as_written
from tickets.models import Message, Ticket

MAX_DOCUMENT = 4000
FALLBACK_CANDIDATES = 2000
# PostgreSQL ships no Polish stemmer; "simple" still matches exact words.
SEARCH_CONFIGS = {"en": "english", "de": "german", "fr": "french", "sv": "swedish"}
_WORDS = re.compile(r"\w{3,}", re.UNICODE)


@dataclass(frozen=True)
class SimilarConversation:
    conversation_id: int
    ticket_id: int | None
    subject: str
    question: str
    answer: str
    score: float
    # Why it matched, as the page words it in the reader's language: the kind of match
    # (FULL_TEXT ranks PostgreSQL's text search, SHARED_WORDS is the share of the post's
    # words the conversation holds) with its figure, and the trigram similarity of the texts.
    match: str
    closeness: float
    trigram: float


FULL_TEXT, SHARED_WORDS = "full_text", "shared_words"
# (conversation id, score, (match, closeness, trigram))
_Scored = tuple[int, float, tuple[str, float, float]]


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get(language, "simple")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# One row per conversation: appended to its document as the upserts one at a time would.
_INDEX_SQL = """
    INSERT INTO classification_conversationdocument AS d
        (conversation_id, language, document, updated_at, search_vector)
    SELECT v.conversation_id, v.language, v.document, now(),
           to_tsvector(v.config::regconfig, v.document)
    FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[])
        AS v(conversation_id, language, document, config)
    ORDER BY v.conversation_id
    ON CONFLICT (conversation_id) DO UPDATE SET
        document = left(d.document || E'\\n' || excluded.document, %s),
        updated_at = now(),
        search_vector = to_tsvector(
            (SELECT v.config FROM unnest(%s::bigint[], %s::text[]) AS v(conversation_id, config)
             WHERE v.conversation_id = d.conversation_id)::regconfig,
            left(d.document || E'\\n' || excluded.document, %s))
"""


def index_messages(messages: Sequence[tuple[int, str, str]]) -> None:
    """Append inbound messages (conversation id, language, text) to their conversations'
    searchable documents, in their order: one upsert for all on PostgreSQL."""
    if not messages:
        return
    if not is_postgres():
        for conversation_id, language, text in messages:
            _index_portably(conversation_id, language, text[:MAX_DOCUMENT])
        return
    with connection.cursor() as cursor:
        cursor.execute(*index_statement(messages))


def index_statement(messages: Sequence[tuple[int, str, str]]) -> tuple[str, list[Any]]:
    """index_messages's PostgreSQL upsert (its text the same for any number), to run alone or
    with other statements in one round trip."""
    # A conversation's document keeps its first message's language; its search vector is
    # built in the language of the message appended last.
    documents: dict[int, tuple[str, list[str], str]] = {}
    for conversation_id, language, text in messages:
        first, texts, _ = documents.get(conversation_id, (language, [], ""))
        documents[conversation_id] = (first, [*texts, text[:MAX_DOCUMENT]], language)
    ids = list(documents)
    configs = [search_config(documents[pk][2]) for pk in ids]
    return _INDEX_SQL, [
        ids,
        [documents[pk][0] for pk in ids],
        ["\n".join(documents[pk][1])[:MAX_DOCUMENT] for pk in ids],
        configs,
        MAX_DOCUMENT,
        ids,
        configs,
        MAX_DOCUMENT,
    ]


def _index_portably(conversation_id: int, language: str, text: str) -> None:
    document = ConversationDocument.objects.filter(pk=conversation_id).first()
    if document is None:
        ConversationDocument.objects.create(
            conversation_id=conversation_id, language=language, document=text
        )
    else:
        document.document = f"{document.document}\n{text}"[:MAX_DOCUMENT]
        document.save(update_fields=["document", "updated_at"])


def rebuild_documents(*, conversation_ids: list[int], leave_out_authors: list[int]) -> int:
    """Rebuild these conversations' documents from their inbound messages, leaving out the
    messages of the given identities (a person erased who wrote in someone else's thread).
    A document left with no text is removed. A few queries, whatever the number."""
    if not conversation_ids:
        return 0
    texts: dict[int, list[str]] = {pk: [] for pk in conversation_ids}
    kept = (
        Message.objects.filter(
            conversation_id__in=conversation_ids, direction=Message.Direction.INBOUND
        )
        .exclude(author_identity_id__in=leave_out_authors)
        .order_by("pk")
        .values_list("conversation_id", "text")
    )
    for conversation_id, text in kept.iterator(chunk_size=500):
        texts[conversation_id].append(text[:MAX_DOCUMENT])
    documents = list(ConversationDocument.objects.filter(pk__in=conversation_ids))
    for document in documents:
        document.document = "\n".join(texts[document.pk])[:MAX_DOCUMENT]
    empty = [document.pk for document in documents if not document.document]
    rebuilt = [document for document in documents if document.document]
    ConversationDocument.objects.filter(pk__in=empty).delete()
    ConversationDocument.objects.bulk_update(rebuilt, ["document"])
    if rebuilt and is_postgres():
        configs = list(SEARCH_CONFIGS.items())
        cases = " ".join("WHEN %s THEN %s" for _ in configs)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE classification_conversationdocument
                SET search_vector = to_tsvector(
                    (CASE language {cases} ELSE 'simple' END)::regconfig, document)
                WHERE conversation_id = ANY(%s)
                """,  # noqa: S608  # nosec B608 - only placeholders are interpolated
                [*(value for pair in configs for value in pair), [d.pk for d in rebuilt]],
            )
    return len(documents)


def similar_to_ticket(
    ticket: Ticket, *, queue_ids: list[int], limit: int = 5
) -> list[SimilarConversation]:
    """Answered conversations like the ticket's, among tickets of `queue_ids` (the reader's:
    an answer from a queue they do not work is not theirs to read, and its link would 404)."""
    question = (
        ticket.conversation.messages.filter(direction=Message.Direction.INBOUND)
        .order_by("created_at", "id")
        .values_list("text", flat=True)
        .first()
    ) or ticket.subject
    return similar_to_text(
        question,
        language=ticket.language,
        queue_ids=queue_ids,
        exclude_conversation=ticket.conversation_id,
        limit=limit,
    )


def similar_to_text(
    text: str,
    *,
    language: str,
    queue_ids: list[int],
    exclude_conversation: int | None = None,
    limit: int = 5,
) -> list[SimilarConversation]:
    text = text[:1000]
    if not _WORDS.search(text) or not queue_ids:
        return []
    if is_postgres():
        scored = _postgres_matches(text, language, queue_ids, exclude_conversation or 0, limit)
    else:
        scored = _fallback_matches(text, language, queue_ids, exclude_conversation or 0, limit)
    return _with_answers(scored)


def _postgres_matches(
    text: str, language: str, queue_ids: list[int], exclude: int, limit: int
) -> list[_Scored]:
    words = list(dict.fromkeys(w.lower() for w in _WORDS.findall(text)))[:24]
    query = " | ".join(f"'{w}'" for w in words)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT d.conversation_id,
                   ts_rank(d.search_vector, to_tsquery(%s::regconfig, %s)) AS rank,
                   word_similarity(%s, d.document) AS trigram
            FROM classification_conversationdocument d
            WHERE d.conversation_id <> %s
              AND (d.search_vector @@ to_tsquery(%s::regconfig, %s) OR %s <%% d.document)
              AND EXISTS (SELECT 1 FROM tickets_message m
                          WHERE m.conversation_id = d.conversation_id AND m.direction = 'out')
              AND EXISTS (SELECT 1 FROM tickets_ticket t
                          WHERE t.conversation_id = d.conversation_id
                            AND t.queue_id = ANY(%s))
            ORDER BY ts_rank(d.search_vector, to_tsquery(%s::regconfig, %s))
                     + word_similarity(%s, d.document)
                     + CASE WHEN d.language = %s THEN 0.1 ELSE 0 END DESC
            LIMIT %s
            """,
            [
                search_config(language),
                query,
                text,
                exclude,
                search_config(language),
                query,
                text,
                list(queue_ids),
                search_config(language),
                query,
                text,
                language,
                limit,
            ],
        )
        return [
            (pk, rank + trigram, (FULL_TEXT, rank, trigram))
            for pk, rank, trigram in cursor.fetchall()
        ]


def _fallback_matches(
    text: str, language: str, queue_ids: list[int], exclude: int, limit: int
) -> list[_Scored]:
    words = {w.lower() for w in _WORDS.findall(text)}
    grams = _trigrams(text)
    answered = Message.objects.filter(direction=Message.Direction.OUTBOUND).values(
        "conversation_id"
    )
    candidates = (
        ConversationDocument.objects.filter(conversation_id__in=answered)
        .filter(
            conversation_id__in=Ticket.objects.filter(queue_id__in=queue_ids).values(
                "conversation_id"
            )
        )
        .exclude(conversation_id=exclude)
        .order_by("-updated_at")
        .values_list("conversation_id", "language", "document")[:FALLBACK_CANDIDATES]
    )
    scored = []
    for pk, doc_language, document in candidates:
        doc_words = {w.lower() for w in _WORDS.findall(document)}
        overlap = len(words & doc_words) / len(words)
        trigram = _jaccard(grams, _trigrams(document))
        score = overlap + trigram + (0.1 if doc_language == language else 0.0)
        if overlap >= 0.2 or trigram >= 0.3:
            scored.append((pk, score, (SHARED_WORDS, overlap, trigram)))
    scored.sort(key=lambda item: -item[1])
    return scored[:limit]


def _trigrams(text: str) -> set[str]:
    padded = f"  {' '.join(text.lower().split())} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _with_answers(scored: list[_Scored]) -> list[SimilarConversation]:
    ids = [pk for pk, _, _ in scored]
    questions: dict[int, str] = {}
    answers: dict[int, tuple[int, str]] = {}
    holding: dict[int, tuple[int, str]] = {}
    for message_id, conversation_id, direction, text, is_holding in (
        Message.objects.filter(conversation_id__in=ids)
        .order_by("created_at", "id")
        .values_list("id", "conversation_id", "direction", "text", "is_holding_reply")
    ):
        if direction == Message.Direction.INBOUND:
            questions.setdefault(conversation_id, text)
        else:
            # A real answer is worth more to staff than "we are on it".
            (holding if is_holding else answers).setdefault(conversation_id, (message_id, text))
    shown = {pk: answers.get(pk) or holding[pk] for pk in ids if pk in answers or pk in holding}
    written = as_written(dict(shown.values()))
    tickets = Ticket.objects.latest_ids_by_conversation(ids)
    subjects = dict(
        ConversationDocument.objects.filter(pk__in=ids).values_list("pk", "conversation__subject")
    )
    return [
        SimilarConversation(
            conversation_id=pk,
            ticket_id=tickets.get(pk),
            subject=subjects.get(pk) or "",
            question=questions.get(pk, "")[:400],
            answer=written[shown[pk][0]][:600] if pk in shown else "",
            score=round(score, 3),
            match=match,
            closeness=closeness,
            trigram=trigram,
        )
        for pk, score, (match, closeness, trigram) in scored
    ]

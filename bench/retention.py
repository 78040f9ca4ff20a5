"""The nightly retention run over a large desk, in PostgreSQL: time and peak memory.

python bench/retention.py [--messages 1000000] [--batch-size 1000]

Seeds conversations of ten messages each (five inbound with their raw events, five replies)
with SQL generate_series, 60% of them past their notice's retention period and a few under a
legal hold, then times the dry run and the run itself. Memory is Python's peak allocation
during the run (tracemalloc) and the process's peak resident size (getrusage).
"""

import argparse
import os
import resource
import time
import tracemalloc

from common import bench_env, create_database, setup_django

DATABASE_URL = os.environ.get(
    "BENCH_RETENTION_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/socialdesk_bench_retention",
)
MESSAGES_PER_CONVERSATION = 10
HELD_CONTACTS = 50

SEED = """
TRUNCATE tickets_contact, channels_inboundevent, classification_conversationdocument
    RESTART IDENTITY CASCADE;
INSERT INTO tickets_contact (id, display_name, primary_email, created_at)
SELECT g, 'Person ' || g, 'person' || g || '@example.org', now() - interval '500 days'
FROM generate_series(1, %(contacts)s) g;
INSERT INTO tickets_identity (id, contact_id, kind, external_id, handle, display_name,
    profile_url, email)
SELECT g, g, 'webhook', 'user-' || g, '@person' || g, 'Person ' || g,
    'https://social.example/person' || g, 'person' || g || '@example.org'
FROM generate_series(1, %(contacts)s) g;
-- Two conversations per person, one of each pair often expired and the other not.
INSERT INTO tickets_conversation (id, channel_id, contact_id, root_platform_id, subject,
    language, is_private, created_at, last_activity_at)
SELECT g, %(channel)s, (g + 1) / 2, 'root-' || g, 'Question number ' || g || ' about my order',
    'en', false, now() - interval '500 days',
    CASE WHEN g %% 10 < 6 THEN now() - interval '400 days' - (g %% 1000) * interval '1 minute'
         ELSE now() - interval '10 days' END
FROM generate_series(1, %(conversations)s) g;
INSERT INTO channels_inboundevent (id, channel_id, source, delivery_id, body, content_type,
    headers, received_at, state, attempts, next_attempt_at, last_error, processed_at)
SELECT m, %(channel)s, 'webhook', 'd-' || m,
    convert_to('{"type": "message", "id": "p-' || m || '", "text": "My order ' || m
        || ' has not arrived yet, can you help?", "author": {"id": "user-' || c
        || '", "name": "Person ' || c || '"}}', 'UTF8'),
    'application/json', '{"User-Agent": "bench"}', now(), 'done', 1, now(), '', now()
FROM (SELECT g AS m, ((g - 1) / 10 + 2) / 2 AS c FROM generate_series(1, %(messages)s) g
      WHERE g %% 2 = 1) inbound;
INSERT INTO tickets_message (id, conversation_id, channel_id, direction, platform_id,
    author_identity_id, text, language, url, is_holding_reply, voice, delivery_state,
    delivery_error, created_at, received_at, inbound_event_id)
SELECT g, (g - 1) / 10 + 1, %(channel)s,
    CASE WHEN g %% 2 = 1 THEN 'in' ELSE 'out' END, 'p-' || g,
    CASE WHEN g %% 2 = 1 THEN ((g - 1) / 10 + 2) / 2 END,
    CASE WHEN g %% 2 = 1 THEN 'My order ' || g || ' has not arrived yet, can you help?'
         ELSE 'Hello Person ' || ((g - 1) / 10 + 2) / 2 || ', we are on it.' END,
    'en', 'https://social.example/p/' || g, false, '',
    CASE WHEN g %% 2 = 1 THEN 'received' ELSE 'sent' END, '',
    now() - interval '450 days' + g * interval '1 second', now(),
    CASE WHEN g %% 2 = 1 THEN g END
FROM generate_series(1, %(messages)s) g;
INSERT INTO tickets_ticket (id, conversation_id, channel_id, contact_id, queue_id, priority,
    status, subject, language, sentiment, created_at, updated_at,
    last_customer_message_at, first_response_due_at, first_responded_at, resolved_at,
    reopened_count, sla_round, sla_paused_seconds, response_paused_seconds,
    first_response_breached, next_response_breached, resolution_breached, follow_up_breached)
SELECT g, g, %(channel)s, (g + 1) / 2, %(queue)s, 2, 'resolved',
    'Question number ' || g || ' about my order', 'en', '',
    now() - interval '450 days', now() - interval '440 days', now() - interval '450 days',
    now() - interval '449 days', now() - interval '449 days' + (g %% 90) * interval '1 minute',
    now() - interval '440 days', 0, 0, 0, 0, false, false, false, false
FROM generate_series(1, %(conversations)s) g;
-- The similar-questions index holds every conversation's inbound texts.
INSERT INTO classification_conversationdocument (conversation_id, language, document,
    updated_at, search_vector)
SELECT g, 'en', 'My order ' || g || ' has not arrived yet, can you help?', now(),
    to_tsvector('english', 'My order ' || g || ' has not arrived yet, can you help?')
FROM generate_series(1, %(conversations)s) g;
-- Most conversations were given the English notice with their first reply.
INSERT INTO privacy_conversationnotice (conversation_id, notice_id, language, channel_id,
    method, given_at, message_id)
SELECT g, %(notice)s, 'en', %(channel)s, 'first_reply', now() - interval '449 days',
    (g - 1) * 10 + 2
FROM generate_series(1, %(conversations)s) g WHERE g %% 7 <> 0;
"""
SEQUENCES = [
    "tickets_contact",
    "tickets_identity",
    "tickets_conversation",
    "channels_inboundevent",
    "tickets_message",
    "tickets_ticket",
    "privacy_conversationnotice",
]
SLA_CHECKSUM = """
SELECT md5(string_agg(concat_ws('|', id, status, created_at, updated_at, first_response_due_at,
    first_responded_at, resolved_at, reopened_count), ',' ORDER BY id)) FROM tickets_ticket
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument(
        "--no-tracemalloc",
        action="store_true",
        help="time the run without tracing allocations (tracing slows Python down)",
    )
    args = parser.parse_args()
    env = bench_env(DATABASE_URL=DATABASE_URL)
    create_database(env)
    setup_django(DATABASE_URL=DATABASE_URL, PRIVACY_RETENTION_BATCH_SIZE=str(args.batch_size))
    from django.db import connection

    from channels.models import Channel
    from desk.privacy.models import LegalHold, RetentionNotice
    from desk.privacy.services.retention import preview, run_retention
    from tickets.models import Message, Queue

    conversations = args.messages // MESSAGES_PER_CONVERSATION
    messages = conversations * MESSAGES_PER_CONVERSATION
    started = time.perf_counter()
    channel, _ = Channel.objects.get_or_create(kind="webhook", name="bench-retention")
    params = {
        "contacts": conversations // 2,
        "conversations": conversations,
        "messages": messages,
        "channel": channel.pk,
        "queue": Queue.objects.get(slug=Queue.INBOUND).pk,
        "notice": RetentionNotice.objects.get(language="en", version=1).pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(SEED, params)
        for table in SEQUENCES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
    for contact_id in range(1, HELD_CONTACTS + 1):
        LegalHold.objects.create(contact_id=contact_id, reason="bench")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(SLA_CHECKSUM)
        sla_before = cursor.fetchone()[0]
    print(
        f"seeded {messages:,} messages in {conversations:,} conversations "
        f"in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    plan = preview()
    print(
        f"dry run:   {time.perf_counter() - started:7.1f} s  {plan.conversations:,} conversations "
        f"({plan.messages:,} messages) due, {plan.held:,} held"
    )

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if not args.no_tracemalloc:
        tracemalloc.start()
    report = run_retention()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    redacted = Message.objects.filter(text="[removed]").count()
    with connection.cursor() as cursor:
        cursor.execute(SLA_CHECKSUM)
        sla_after = cursor.fetchone()[0]
    print(
        f"retention: {report.seconds:7.1f} s  {report.conversations:,} conversations, "
        f"{report.contacts:,} contacts, {redacted:,} messages anonymized in {report.batches} "
        f"batches of {args.batch_size} ({redacted / report.seconds:,.0f} messages/s)"
    )
    traced = "not traced" if args.no_tracemalloc else f"{peak / 2**20:.1f} MiB (tracemalloc)"
    print(
        f"memory:    Python peak {traced}; process peak RSS "
        f"{rss_after / 1024:.0f} MiB (grew {max(rss_after - rss_before, 0) / 1024:.0f} MiB "
        "during the run)"
    )
    print(f"SLA figures unchanged: {sla_before == sla_after}")


if __name__ == "__main__":
    main()

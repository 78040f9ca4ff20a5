"""Seed a million tickets (and their conversations and mentions) with SQL, in bounded time.

Rows are generated inside PostgreSQL with generate_series and random(): no Python loop per
row. The shape is a year of a busy desk: eight served and two monitored channels, four
queues, twenty agents (15% unassigned), five languages, three sentiments, 2% open backlog,
3% netiquette-ignored, 5% reopened, response times from minutes to days.
"""

from __future__ import annotations

import time
from typing import Any

SERVED = 8
MONITORED = 2
AGENTS = 20
CONTACTS = 50_000


def seed(cursor: Any, *, tickets: int, monitored_mentions: int) -> float:
    started = time.perf_counter()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from channels.models import Channel
    from desk.sla.defaults import ensure_default_policy
    from tickets.models import Queue

    policy = ensure_default_policy()
    channels = []
    for n in range(SERVED + MONITORED):
        level = "served" if n < SERVED else "monitored"
        channel, _ = Channel.objects.get_or_create(
            name=f"bench-channel-{n}", defaults={"kind": "webhook", "service_level": level}
        )
        channels.append(channel.pk)
    queues = [queue.pk for queue in Queue.objects.order_by("pk")[:4]]
    users = get_user_model().objects
    group, _ = Group.objects.get_or_create(name="manager")
    agents = [users.get_or_create(username=f"bench-agent-{n}")[0].pk for n in range(AGENTS)]
    manager, _ = users.get_or_create(username="bench-manager")
    manager.groups.add(group)
    served, monitored = channels[:SERVED], channels[SERVED:]
    params = {
        "served": served,
        "monitored": monitored,
        "queues": queues,
        "agents": agents,
        "policy": policy.pk,
        "tickets": tickets,
        "mentions": monitored_mentions,
        "contacts": CONTACTS,
    }
    for statement in STATEMENTS:
        cursor.execute(statement, params)
    # The open tickets' clocks in business time, as the SLA engine keeps them (due times and
    # the current clock's due and warning instants, which the live figures read).
    from desk.sla.recompute import recompute_due_times

    recompute_due_times(policy_id=policy.pk)
    return time.perf_counter() - started


STATEMENTS = [
    # Contacts the tickets belong to.
    """
    INSERT INTO tickets_contact (display_name, primary_email, created_at)
    SELECT 'Bench contact ' || n, '', now() FROM generate_series(1, %(contacts)s) n
    """,
    """
    CREATE TEMP TABLE bench_ticket ON COMMIT DROP AS
    SELECT n,
      now() - random() * interval '365 days' AS created_at,
      (%(served)s::bigint[])[
        1 + floor(power(random(), 1.6) * cardinality(%(served)s::bigint[]))::int] AS channel_id,
      (%(queues)s::bigint[])[
        1 + floor(power(random(), 2) * cardinality(%(queues)s::bigint[]))::int] AS queue_id,
      CASE WHEN random() < 0.15 THEN NULL
        ELSE (%(agents)s::bigint[])[1 + floor(random() * cardinality(%(agents)s::bigint[]))::int]
      END AS assignee_id,
      (ARRAY['de','de','de','de','en','en','en','fr','pl','sv'])[1 + floor(random() * 10)::int]
        AS language,
      (ARRAY['neutral','neutral','neutral','negative','negative','positive','',
        'neutral','neutral','neutral'])[1 + floor(random() * 10)::int] AS sentiment,
      random() AS fate,
      -- Business seconds to the first reply: mostly hours, a tail of days.
      floor(60 + power(random(), 2.2) * 40 * 3600)::int AS business_seconds,
      (SELECT min(id) FROM tickets_contact) + floor(random() * %(contacts)s)::int AS contact_id
    FROM generate_series(1, %(tickets)s) n
    """,
    """
    INSERT INTO tickets_conversation
      (channel_id, contact_id, root_platform_id, subject, language, is_private, created_at,
       last_activity_at)
    SELECT channel_id, contact_id, 'bench-' || n, 'Bench question ' || n, language, false,
      created_at, created_at
    FROM bench_ticket ORDER BY n
    """,
    """
    INSERT INTO tickets_ticket
      (conversation_id, channel_id, contact_id, queue_id, assignee_id, priority, status, subject,
       language, sentiment, created_at, updated_at, last_customer_message_at,
       first_response_due_at, first_responded_at, next_response_due_at, resolution_due_at,
       resolved_at, closed_at, reopened_count, sla_policy_id, next_response_started_at,
       sla_round, sla_paused_at, sla_paused_seconds, response_paused_seconds,
       first_response_seconds, first_response_breached, next_response_breached,
       resolution_breached, follow_up_breached, sla_breached_at, next_sla_event_at)
    SELECT c.id, t.channel_id, t.contact_id, t.queue_id, t.assignee_id, 2,
      s.status, 'Bench question ' || t.n, t.language, t.sentiment, t.created_at,
      t.created_at + interval '1 day', t.created_at,
      t.created_at + interval '3 days',
      CASE WHEN s.answered THEN t.created_at + t.business_seconds * interval '3 seconds' END,
      NULL, NULL,
      CASE WHEN s.status IN ('resolved', 'closed') THEN t.created_at + interval '4 days' END,
      CASE WHEN s.status = 'closed' THEN t.created_at + interval '10 days' END,
      CASE WHEN t.fate > 0.95 THEN 1 ELSE 0 END,
      %(policy)s, NULL, 0, NULL, 0, 0,
      CASE WHEN s.answered THEN t.business_seconds END,
      s.answered AND t.business_seconds > 86400, false, false, false,
      CASE WHEN s.answered AND t.business_seconds > 86400
        THEN t.created_at + interval '3 days' END,
      NULL
    FROM bench_ticket t
    JOIN tickets_conversation c ON c.root_platform_id = 'bench-' || t.n
    CROSS JOIN LATERAL (
      SELECT CASE
          WHEN t.created_at > now() - interval '7 days' AND t.fate < 0.4 THEN 'new'
          WHEN t.created_at > now() - interval '7 days' AND t.fate < 0.6 THEN 'pending'
          WHEN t.fate < 0.03 THEN 'ignored'
          WHEN t.fate < 0.04 THEN 'open'
          WHEN t.fate < 0.5 THEN 'closed'
          ELSE 'resolved' END AS status
    ) s0
    CROSS JOIN LATERAL (
      SELECT s0.status, s0.status NOT IN ('new', 'ignored') AS answered
    ) s
    ORDER BY t.n
    """,
    # One inbound mention per ticket.
    """
    INSERT INTO tickets_message
      (conversation_id, channel_id, direction, platform_id, text, language, url,
       is_holding_reply, delivery_state, delivery_error, voice, created_at, received_at)
    SELECT t.conversation_id, t.channel_id, 'in', 'bench-' || t.id, t.subject, t.language, '',
      false, 'received', '', '', t.created_at, t.created_at
    FROM tickets_ticket t
    JOIN tickets_conversation c ON c.id = t.conversation_id AND c.root_platform_id LIKE 'bench-%%'
    """,
    # Mentions on monitored channels: recorded, no ticket.
    """
    WITH m AS (
      SELECT n, now() - random() * interval '365 days' AS created_at,
        (%(monitored)s::bigint[])[1 + floor(random() * cardinality(%(monitored)s::bigint[]))::int]
          AS channel_id,
        (SELECT min(id) FROM tickets_contact) + floor(random() * %(contacts)s)::int AS contact_id
      FROM generate_series(1, %(mentions)s) n
    ), c AS (
      INSERT INTO tickets_conversation
        (channel_id, contact_id, root_platform_id, subject, language, is_private, created_at,
         last_activity_at)
      SELECT channel_id, contact_id, 'bench-monitored-' || n, 'Seen', 'en', false, created_at,
        created_at FROM m
      RETURNING id, channel_id, created_at, root_platform_id
    )
    INSERT INTO tickets_message
      (conversation_id, channel_id, direction, platform_id, text, language, url,
       is_holding_reply, delivery_state, delivery_error, voice, created_at, received_at)
    SELECT id, channel_id, 'in', root_platform_id, 'Seen on video', 'en', '', false,
      'received', '', '', created_at, created_at FROM c
    """,
]

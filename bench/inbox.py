"""The inbox with a million tickets in PostgreSQL: server time per page and SQL per page.

python bench/inbox.py [--tickets 1000000] [--seconds 8] [--reseed] [--port 8706]

Seeds the tickets once with generate_series (reused while the count matches) under the
default SLA policy, lets the SLA engine work out the open tickets' clocks in business time
(due times, warning instants: what badges and SLA filters read), then measures under
gunicorn (2 workers) each inbox page sequentially, so the latency is the
server's time plus loopback; it also counts the SQL queries of a page at several page sizes
in-process, and times the view in-process too (Django's handler without HTTP: "view p50/p95").
The trivial view's rate in the same run is printed beside the inbox's rate.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import time

from common import bench_env, create_database, gunicorn, run_load, setup_django, trivial_view_load

DATABASE_URL = os.environ.get(
    "BENCH_INBOX_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/socialdesk_bench_inbox"
)
PORT = 8706
ACTIVE_SHARE = 0.04  # share of tickets still new / open / pending, as on a real desk
PAGES = {
    "default (active, by SLA due)": "/",
    "queue=technical": "/?queue=technical",
    "sla=at_risk": "/?sla=at_risk",
    "sla=breached": "/?sla=breached",
    "sla=paused": "/?sla=paused",
    "assignee=me": "/?assignee=me",
    "language=de&sentiment=negative": "/?language=de&sentiment=negative",
    "search q=invoice": "/?q=invoice",
    "status=resolved (950k rows)": "/?status=resolved",
    "sort=newest": "/?sort=newest",
    "per_page=100": "/?per_page=100",
}

SEED_SQL = """
INSERT INTO tickets_contact (display_name, primary_email, created_at)
SELECT 'Bench Person ' || i, 'person' || i || '@example.org', now()
FROM generate_series(1, %(contacts)s) AS i;

INSERT INTO tickets_conversation
    (channel_id, contact_id, root_platform_id, subject, language, is_private, created_at,
     last_activity_at)
SELECT %(channel)s, %(first_contact)s + (i %% %(contacts)s), 'bench-' || i,
       (ARRAY['Where is my invoice', 'Login error after the update', 'Price for 40 users',
              'Your service is down again', 'Thanks for the quick help'])[1 + i %% 5]
       || ' #' || i,
       (ARRAY['en', 'de', 'fr', 'pl', 'sv'])[1 + i %% 5], i %% 3 = 0,
       now() - (i * interval '31 seconds'), now() - (i * interval '31 seconds')
FROM generate_series(1, %(tickets)s) AS i;

INSERT INTO tickets_ticket
    (conversation_id, channel_id, contact_id, queue_id, assignee_id, priority, status, subject,
     language, sentiment, created_at, updated_at, last_customer_message_at,
     first_response_due_at, first_responded_at, reopened_count, sla_policy_id,
     first_response_breached, next_response_breached, resolution_breached,
     follow_up_breached, sla_round, sla_paused_seconds, response_paused_seconds)
SELECT c.id, c.channel_id, c.contact_id,
       (%(queues)s)[1 + c.id %% 4],
       CASE WHEN c.id %% 7 = 0 THEN %(user)s END,
       2,
       CASE WHEN c.created_at > now() - %(active_window)s * interval '1 second'
            THEN (ARRAY['new', 'open', 'pending'])[1 + c.id %% 3]
            ELSE (ARRAY['resolved', 'closed'])[1 + c.id %% 2] END,
       c.subject, c.language,
       (ARRAY['negative', 'neutral', 'positive', ''])[1 + c.id %% 4],
       c.created_at, c.created_at, c.created_at,
       c.created_at + interval '24 hours',
       CASE WHEN c.created_at > now() - %(active_window)s * interval '1 second' THEN NULL
            ELSE c.created_at + interval '3 hours' END,
       0, %(policy)s, false, false, false, false, 0, 0, 0
FROM tickets_conversation c
WHERE c.root_platform_id LIKE 'bench-%%';
"""


def seed(tickets: int, *, force: bool) -> None:
    from django.db import connection, transaction

    from channels.models import Channel
    from desk.sla.defaults import ensure_default_policy
    from desk.sla.recompute import recompute_due_times
    from tickets.models import Queue, Ticket

    # A seed from before the SLA engine's clock fields would show every ticket without SLA.
    stale = Ticket.objects.filter(sla_policy__isnull=True).exists()
    if not force and not stale and Ticket.objects.count() == tickets:
        print(f"reusing {tickets:,} seeded tickets")
        return
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE tickets_ticket, tickets_conversation, tickets_contact, tickets_identity, "
            "tickets_message, tickets_ticketevent, tickets_note, tickets_ticket_tags "
            "RESTART IDENTITY CASCADE"
        )
    channel, _ = Channel.objects.get_or_create(
        name="Bench webhook", defaults={"kind": "webhook", "credentials": {"secret": "x"}}
    )
    user = bench_user()
    queues = list(Queue.objects.order_by("slug").values_list("id", flat=True)[:4])
    policy = ensure_default_policy()
    seconds_per_ticket = 31
    # One transaction: a failed load leaves the indexes as they were (DDL is transactional).
    with transaction.atomic(), connection.cursor() as cursor:
        # Foreign keys are checked as rows go in, so the index builds below find no pending
        # deferred checks (PostgreSQL refuses CREATE INDEX while they wait).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Indexes are built once after the load: far faster than maintaining them row by row.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('tickets_ticket', 'tickets_conversation') AND indexdef NOT LIKE '%%UNIQUE%%' "
            "AND indexname NOT LIKE '%%pkey'"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM tickets_contact")
        first_contact = cursor.fetchone()[0]
        cursor.execute(
            SEED_SQL,
            {
                "contacts": max(1000, tickets // 20),
                "first_contact": first_contact,
                "channel": channel.pk,
                "tickets": tickets,
                "queues": queues,
                "user": user.pk,
                "policy": policy.pk,
                "active_window": int(tickets * ACTIVE_SHARE * seconds_per_ticket),
            },
        )
        for _name, definition in indexes:
            cursor.execute(definition)
    # The open tickets' clocks in business time, as the engine keeps them (the SQL above
    # can only count wall-clock hours).
    clocked = time.monotonic()
    recompute_due_times(policy_id=policy.pk)
    print(f"SLA clocks of the open tickets computed in {time.monotonic() - clocked:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tickets_ticket")
        cursor.execute("VACUUM ANALYZE tickets_conversation")
        cursor.execute("VACUUM ANALYZE tickets_contact")
    print(f"seeded {tickets:,} tickets in {time.monotonic() - started:.0f} s")


def bench_user():  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group, User

    from tickets.models import Queue

    user, _ = User.objects.get_or_create(username="bench-agent")
    user.groups.add(Group.objects.get(name="agent"))
    user.desk_queues.add(*Queue.objects.all())
    return user


def session_cookie() -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    user = bench_user()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def query_counts() -> dict[int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(bench_user())
    client.get("/")
    counts = {}
    for size in (25, 50, 100):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/", {"per_page": size})
        assert response.status_code == 200
        assert response.content.decode().count("data-ticket=") == size
        counts[size] = len(captured.captured_queries)
    return counts


def in_process_times(pages: dict[str, str], repeat: int) -> dict[str, tuple[float, float]]:
    """p50 and p95 of the view itself (Django's handler, no HTTP, no gunicorn), in ms."""
    from django.test import Client

    client = Client()
    client.force_login(bench_user())
    client.get("/")
    figures = {}
    for label, path in pages.items():
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            assert client.get(path).status_code == 200
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        figures[label] = (
            times[len(times) // 2],
            times[min(len(times) - 1, int(len(times) * 0.95))],
        )
    return figures


def second_page(address: str, cookie: str) -> str:
    host, port = address.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request("GET", "/", headers={"Cookie": cookie})
    body = conn.getresponse().read().decode()
    cursor = re.search(r'rel="next" href="\?(?:[^"]*&amp;)?after=([^"&]+)"', body)
    assert cursor, "no next page link"
    return f"/?after={cursor.group(1)}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--port", type=int, default=PORT, help="gunicorn's port")
    args = parser.parse_args()
    env = bench_env(DATABASE_URL=DATABASE_URL)
    create_database(env)
    setup_django(DATABASE_URL=DATABASE_URL)
    seed(args.tickets, force=args.reseed)
    if args.seed_only:
        return
    counts = query_counts()
    cookie = session_cookie()
    headers = {"Cookie": cookie}

    with gunicorn(env, port=args.port) as address:
        run_load(address, lambda n: ("GET", "/", None, headers), seconds=2, concurrency=2)
        pages = {**PAGES, "page 2 (keyset cursor)": second_page(address, cookie)}
        print(
            f"{args.tickets:,} tickets ({ACTIVE_SHARE:.0%} active), PostgreSQL, gunicorn 2 "
            f"workers; sequential requests, {args.seconds:.0f} s per page; shared 2-core machine"
        )
        views = in_process_times(pages, repeat=30)
        print(
            f"{'inbox page':34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'n':>5}"
            f" | {'view p50':>8} {'view p95':>8}"
        )
        for label, path in pages.items():
            result = run_load(
                address,
                lambda n, path=path: ("GET", path, None, headers),
                concurrency=1,
                seconds=args.seconds,
            )
            assert result.errors == 0, f"{label}: {result.errors} errors"
            print(
                f"{label:34} {result.percentile(0.5):8.1f} {result.percentile(0.95):8.1f} "
                f"{max(result.latencies_ms):8.1f} {result.requests:5d}"
                f" | {views[label][0]:8.1f} {views[label][1]:8.1f}"
            )
        floor = trivial_view_load(address, concurrency=4, seconds=args.seconds)
        inbox = run_load(
            address, lambda n: ("GET", "/", None, headers), concurrency=4, seconds=args.seconds
        )
    print(floor.line("trivial view GET /-/ping, c=4"))
    print(inbox.line("inbox GET /, c=4", floor))
    print(
        "SQL queries per inbox page by page size: "
        + ", ".join(f"{size}: {n}" for size, n in counts.items())
    )


if __name__ == "__main__":
    main()

"""A crisis-sized spike through the production stack: gunicorn, a Celery worker, PostgreSQL, Redis.

python bench/load.py [--deliveries 4000] [--seconds 8] [--concurrency 16] [--worker-concurrency 2]

In one run, on 127.0.0.1 only, bounded in count and time:
1. the trivial view GET /-/ping (the framework floor the other rates are read against), at the
   REST concurrency and at the spike's;
2. a spike of signed webhook deliveries (a few replayed), acknowledged while a real worker
   turns them into tickets: acknowledged req/s, p50/p99, then delivery-to-ticket time and
   worker throughput once the backlog is drained;
3. REST inquiry creation (ticket included, answered synchronously).

PostgreSQL at BENCH_DATABASE_URL, Redis at BENCH_REDIS_URL (or REDIS_URL); the run uses its own
Celery queue and cache prefix, and deletes its queue when done.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from common import (
    ROOT,
    bench_env,
    celery_worker,
    create_database,
    gunicorn,
    run_load,
    setup_django,
    signature,
    trivial_view_load,
    wait_until,
    warn_of_backlog,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

SECRET = "load-bench-secret"
REPLAY_EVERY = 50  # one delivery in 50 is a platform retry of an earlier one


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=4000)
    parser.add_argument("--seconds", type=float, default=8.0, help="floor and REST phases")
    parser.add_argument("--spike-seconds", type=float, default=30.0, help="upper bound")
    parser.add_argument("--concurrency", type=int, default=16, help="webhook senders")
    parser.add_argument("--rest-concurrency", type=int, default=8)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--drain-timeout", type=float, default=180.0)
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    redis_url = _redis_url()
    env = bench_env(
        REDIS_URL=redis_url,
        CELERY_QUEUE=f"bench-load-{run}",
        CACHE_KEY_PREFIX=f"bench-load-{run}",
    )
    create_database(env)
    setup_django(
        REDIS_URL=redis_url, CELERY_QUEUE=env["CELERY_QUEUE"], CACHE_KEY_PREFIX=f"bench-{run}"
    )
    from django.conf import settings
    from django.db.models import Count

    from channels.models import Channel, InboundEvent
    from tickets.models import Message

    warn_of_backlog()

    channel = Channel.objects.create(
        kind="webhook", name=f"load-{run}", credentials={"secret": SECRET}
    )
    token = _api_token(env, f"load-{run}")
    path = channel.webhook_path

    def delivery(n: int) -> tuple[str, str, bytes, dict[str, str]]:
        original = n - 1 if n % REPLAY_EVERY == REPLAY_EVERY - 1 else n
        body = json.dumps(
            {
                "type": "message",
                "id": f"{run}-m{original}",
                "text": "Your update broke my login!!" if original % 3 else "Still down? #outage",
                "author": {"id": f"{run}-u{original % 900}", "name": f"Customer {original % 900}"},
            }
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Socialdesk-Signature": signature(SECRET, body),
            "X-Socialdesk-Delivery": f"{run}-d{original}",
        }
        return "POST", path, body, headers

    rest_headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def inquiry(n: int) -> tuple[str, str, bytes, dict[str, str]]:
        body = {
            "text": f"My login shows an error, attempt {n}",
            "author": {"name": f"Shopper {n % 500}", "email": f"shopper{n % 500}@example.org"},
            "external_id": f"{run}-{n}",
        }
        return "POST", "/api/v1/inquiries/", json.dumps(body).encode(), rest_headers

    events = InboundEvent.objects.filter(channel=channel)
    with gunicorn(env) as address, celery_worker(env, concurrency=args.worker_concurrency):
        run_load(address, lambda n: ("GET", "/-/ping", None, {}), seconds=2)  # warm-up
        floor = trivial_view_load(address, concurrency=args.rest_concurrency, seconds=args.seconds)
        # The spike's own concurrency: sixteen client threads cost the load client more than
        # eight, so the spike is also read against the trivial view at its concurrency.
        spike_floor = (
            floor
            if args.concurrency == args.rest_concurrency
            else trivial_view_load(address, concurrency=args.concurrency, seconds=args.seconds)
        )
        spike_started = time.monotonic()
        spike = run_load(
            address,
            delivery,
            concurrency=args.concurrency,
            seconds=args.spike_seconds,
            max_requests=args.deliveries,
            expect=(200,),
        )
        stored = events.count()
        drained = wait_until(
            lambda: not events.filter(state=InboundEvent.State.PENDING).exists(),
            timeout=args.drain_timeout,
        )
        drain_seconds = time.monotonic() - spike_started
        rest = run_load(
            address,
            inquiry,
            concurrency=args.rest_concurrency,
            seconds=args.seconds,
            expect=(201,),
        )
    _forget_queue(redis_url, env["CELERY_QUEUE"])

    processed = events.filter(state=InboundEvent.State.DONE)
    lags = [
        (done - received).total_seconds()
        for received, done in processed.values_list("received_at", "processed_at")
    ]
    first_received, last_processed = _span(processed)
    messages = Message.objects.filter(channel=channel)
    distinct_messages = messages.values("platform_id").distinct().count()
    expected_messages = len(
        {n - 1 if n % REPLAY_EVERY == REPLAY_EVERY - 1 else n for n in range(spike.requests)}
    )

    print(
        f"load run {run}: gunicorn {env.get('BENCH_WORKERS', '2')} workers, Celery worker "
        f"concurrency {args.worker_concurrency}, PostgreSQL + Redis on 127.0.0.1"
    )
    print(floor.line(f"trivial view (c={args.rest_concurrency})"))
    if spike_floor is not floor:
        print(spike_floor.line(f"trivial view (c={args.concurrency})"))
    print(spike.line(f"webhook spike (c={args.concurrency})", spike_floor))
    print(spike.cpu_line())
    print(
        f"{'':28} against the trivial view at c={args.rest_concurrency}: "
        f"{100 * spike.rate / floor.rate:.1f}%"
    )
    print(rest.line(f"REST inquiry (c={args.rest_concurrency})", floor))
    print(
        f"webhooks: delivered {spike.requests}, acknowledged {spike.requests - spike.errors}, "
        f"stored events {stored} (replays acknowledged, not stored), "
        f"processed {len(lags)}, messages {messages.count()} "
        f"(distinct {distinct_messages}, expected {expected_messages}), "
        f"duplicated {messages.count() - distinct_messages}"
    )
    if lags:
        ordered = sorted(lags)
        throughput = len(lags) / max((last_processed - first_received).total_seconds(), 1e-6)
        print(
            f"delivery -> ticket: p50 {statistics.median(ordered):.2f} s, "
            f"p99 {ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]:.2f} s, "
            f"max {ordered[-1]:.2f} s; worker throughput {throughput:.1f} events/s; "
            f"backlog drained: {'yes' if drained else 'NO'} after {drain_seconds:.1f} s"
        )
        # A batch stamps its events with one processing time.
        sizes = sorted(
            processed.values("processed_at").annotate(n=Count("id")).values_list("n", flat=True)
        )
        print(
            f"batches: {len(sizes)}, events per batch median {statistics.median(sizes):.0f}, "
            f"max {sizes[-1]} (INBOUND_BATCH_SIZE {settings.INBOUND_BATCH_SIZE}, "
            f"INBOUND_GATHER_SECONDS {settings.INBOUND_GATHER_SECONDS})"
        )
    if not drained or spike.errors or rest.errors:
        sys.exit(1)


def _redis_url() -> str:
    return os.environ.get("BENCH_REDIS_URL") or os.environ.get(
        "REDIS_URL", "redis://127.0.0.1:6379/0"
    )


def _api_token(env: dict[str, str], name: str) -> str:
    created = subprocess.run(
        [sys.executable, "manage.py", "api_client", "create", name],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return created.stdout.strip().splitlines()[-1]


def _span(processed: QuerySet) -> tuple[datetime, datetime]:
    from django.db.models import Max, Min

    bounds = processed.aggregate(first=Min("received_at"), last=Max("processed_at"))
    return bounds["first"], bounds["last"]


def _forget_queue(redis_url: str, queue: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).delete(queue)


if __name__ == "__main__":
    main()

"""Worker throughput alone: a backlog of stored deliveries turned into tickets by N processes.

python bench/drain.py [--events 3000] [--workers 1] [--batch-size 200] [--per-event]

A backlog of webhook deliveries is stored as pending events (as the webhook stores them, one
in 50 by an author seen before in the run), then a real Celery worker with --workers processes
is asked for one drain (or, with --per-event, one task per event: the dispatch before batches)
and the time until the last event is processed gives mentions per second, in total and per
worker process. Every mention is classified, routed and given its SLA targets. The trivial
view of gunicorn is measured in the same run, before the backlog, as the other benches do.

PostgreSQL at BENCH_DATABASE_URL, Redis at BENCH_REDIS_URL (or REDIS_URL); the run uses its own
Celery queue and cache prefix, and deletes its queue when done.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid

from common import (
    bench_env,
    celery_worker,
    create_database,
    gunicorn,
    run_load,
    setup_django,
    trivial_view_load,
    wait_until,
    warn_of_backlog,
)

AUTHORS = 900


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--per-event", action="store_true", help="one task per event")
    parser.add_argument("--seconds", type=float, default=5.0, help="trivial view phase")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    redis_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get(
        "REDIS_URL", "redis://127.0.0.1:6379/0"
    )
    settings = {
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": f"bench-drain-{run}",
        "CACHE_KEY_PREFIX": f"bench-drain-{run}",
        "INBOUND_BATCH_SIZE": str(args.batch_size),
    }
    env = bench_env(**settings)
    create_database(env)
    setup_django(**settings)
    from django.db.models import Max

    from channels.models import Channel, InboundEvent

    warn_of_backlog()
    from desk.ingestion.tasks import drain_inbound_events, process_inbound_event
    from tickets.models import Message, Ticket

    channel = Channel.objects.create(kind="webhook", name=f"drain-{run}")
    events = InboundEvent.objects.filter(channel=channel)
    InboundEvent.objects.bulk_create(
        InboundEvent(
            channel=channel,
            source=InboundEvent.Source.WEBHOOK,
            delivery_id=f"{run}-d{n}",
            body=json.dumps(
                {
                    "type": "message",
                    "id": f"{run}-m{n}",
                    "text": "Your update broke my login!!" if n % 3 else "Still down? #outage",
                    "author": {"id": f"{run}-u{n % AUTHORS}", "name": f"Customer {n % AUTHORS}"},
                }
            ).encode(),
        )
        for n in range(args.events)
    )
    ids = list(events.values_list("pk", flat=True))

    with gunicorn(env) as address, celery_worker(env, concurrency=args.workers):
        run_load(address, lambda n: ("GET", "/-/ping", None, {}), seconds=2)  # warm-up
        floor = trivial_view_load(address, concurrency=8, seconds=args.seconds)
        started = time.time()
        if args.per_event:
            for event_id in ids:
                process_inbound_event.apply_async((event_id,))
        else:
            drain_inbound_events.apply_async()
        drained = wait_until(
            lambda: not events.filter(state=InboundEvent.State.PENDING).exists(),
            timeout=args.timeout,
        )
    import redis

    redis.Redis.from_url(redis_url).delete(settings["CELERY_QUEUE"])

    last = events.aggregate(last=Max("processed_at"))["last"]
    seconds = max(last.timestamp() - started, 1e-6) if last else float("nan")
    done = events.filter(state=InboundEvent.State.DONE).count()
    messages = Message.objects.filter(channel=channel)
    tickets = Ticket.objects.filter(channel=channel).count()
    rate = done / seconds
    dispatch = "one task per event" if args.per_event else f"drain, batches of {args.batch_size}"
    print(
        f"drain run {run}: {args.events} stored deliveries, {AUTHORS} authors, "
        f"{args.workers} worker process(es), {dispatch}; PostgreSQL + Redis on 127.0.0.1"
    )
    print(floor.line("trivial view (c=8)"))
    print(
        f"processing: {done} events -> {messages.count()} messages, {tickets} tickets in "
        f"{seconds:.1f} s: {rate:.1f} mentions/s, {rate / args.workers:.1f} per worker process "
        f"({100 * rate / floor.rate:.1f}% of the trivial view's req/s); "
        f"drained: {'yes' if drained else 'NO'}"
    )
    if not drained or messages.count() != args.events:
        sys.exit(1)


if __name__ == "__main__":
    main()

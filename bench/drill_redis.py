"""Drill: Redis stops in the middle of a burst of webhooks, then comes back.

python bench/drill_redis.py [--deliveries 300] [--redis-port 6391]

Runs gunicorn, a Celery worker and beat against a private Redis (started here, on its own
port) and PostgreSQL at --database-url. Every delivery must be acknowledged (stored) or
refused with 503; every acknowledged one must be stored and, once Redis is back, processed
exactly once by the worker and the sweeper. Exits non-zero otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid

from common import (
    bench_env,
    celery_beat,
    celery_worker,
    gunicorn,
    setup_django,
    wait_until,
)
from drills import (
    SECRET,
    Sent,
    delivery,
    drill_environment,
    fresh_database,
    private_redis,
    send_concurrently,
    verdict,
    warm_up,
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--port", type=int, default=8711, help="gunicorn's port")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DRILL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/socialdesk_drill"
        ),
        help="dropped and recreated unless --keep-database",
    )
    parser.add_argument("--keep-database", action="store_true", help="a migrated test database")
    parser.add_argument("--outage", type=float, default=5.0, help="seconds Redis stays down")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    with private_redis(args.redis_port) as redis:
        overrides = drill_environment(
            database_url=args.database_url,
            redis_url=redis.url,
            run=run,
        )
        env = bench_env(**overrides)
        if not args.keep_database:
            fresh_database(env)
        setup_django(**overrides)
        from channels.models import Channel, InboundEvent
        from tickets.models import Message, Ticket

        channel = Channel.objects.create(
            kind="webhook", name=f"drill-redis-{run}", credentials={"secret": SECRET}
        )
        requests = [(n, delivery(run, n, channel.webhook_path)) for n in range(args.deliveries)]
        third = len(requests) // 3
        sent = Sent()
        events = InboundEvent.objects.filter(
            channel=channel, delivery_id__in=[f"{run}-d{n}" for n, _ in requests]
        )
        with (
            gunicorn(env, port=args.port) as address,
            celery_worker(env) as worker,
            celery_beat(env),
        ):
            warm_up(address, channel.webhook_path, run, InboundEvent.objects)
            send_concurrently(address, requests[:third], sent, concurrency=args.concurrency)
            redis.stop()
            outage_started = time.monotonic()
            # Spread the middle third over the outage, as a platform's deliveries would be.
            pause = args.outage * args.concurrency / max(third, 1)
            send_concurrently(
                address,
                requests[third : 2 * third],
                sent,
                concurrency=args.concurrency,
                pause=pause,
            )
            outage = time.monotonic() - outage_started
            redis.start()
            send_concurrently(address, requests[2 * third :], sent, concurrency=args.concurrency)
            acknowledged = {f"{run}-d{n}" for n in sent.acknowledged()}
            wait_until(
                lambda: (
                    events.filter(
                        delivery_id__in=acknowledged, state=InboundEvent.State.DONE
                    ).count()
                    == len(acknowledged)
                ),
                timeout=args.timeout,
            )

        stored_ids = set(events.values_list("delivery_id", flat=True))
        processed = events.filter(state=InboundEvent.State.DONE).count()
        messages = Message.objects.filter(
            channel=channel, platform_id__in=[f"{run}-m{n}" for n, _ in requests]
        )
        distinct = messages.values("platform_id").distinct().count()
        tickets = Ticket.objects.filter(conversation__messages__in=messages).distinct().count()
        refused = sum(status == 503 for status in sent.statuses.values())
        other = len(sent.statuses) - len(acknowledged) - refused
        lost = len(acknowledged - stored_ids)
        print(
            f"Redis outage drill {run}: Redis down for {outage:.1f} s during the middle third; "
            f"the worker's supervisor restarted it {worker.restarts} times"
        )
        print(f"answers: {sent.summary()}")
        print(
            f"delivered {len(requests)}, acknowledged {len(acknowledged)}, refused 503 {refused}, "
            f"other {other}, stored {len(stored_ids)}, processed {processed}, "
            f"messages {messages.count()}, tickets {tickets}, "
            f"duplicated {messages.count() - distinct}, lost {lost}"
        )
        problems = []
        if other:
            problems.append(f"{other} deliveries got neither 2xx nor 503")
        if lost:
            problems.append(f"{lost} acknowledged deliveries were not stored")
        if processed != len(stored_ids):
            problems.append(f"{len(stored_ids) - processed} stored events were not processed")
        if messages.count() != distinct or tickets != distinct:
            problems.append("duplicates")
        if distinct != len(acknowledged):
            problems.append(f"{distinct} messages for {len(acknowledged)} acknowledged mentions")
        return verdict(problems)


if __name__ == "__main__":
    sys.exit(main())

"""Webhook acknowledgement alone: signed deliveries against the trivial view, interleaved.

python bench/ack.py [--rounds 5] [--seconds 3] [--concurrency 8]

gunicorn (2 sync workers) on PostgreSQL and Redis, no Celery worker: what the request side of
an acknowledgement costs, apart from the processing that bench/load.py runs beside it. The
trivial view and the deliveries alternate in short rounds, so a machine shared with other
work slows both alike; the ratio per round and its range are printed, then the SQL statements
one delivery runs. The run's Celery queue (what the deliveries published) and the events it
stored are deleted after: left pending, the next run with a worker would drain them first.
"""

from __future__ import annotations

import argparse
import json
import os
import uuid

from common import (
    alternate_with_trivial_view,
    bench_env,
    create_database,
    gunicorn,
    run_load,
    setup_django,
    signature,
)

SECRET = "ack-bench-secret"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    redis_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get(
        "REDIS_URL", "redis://127.0.0.1:6379/0"
    )
    queue = f"bench-ack-{run}"
    env = bench_env(REDIS_URL=redis_url, CELERY_QUEUE=queue, CACHE_KEY_PREFIX=queue)
    create_database(env)
    setup_django(REDIS_URL=redis_url, CELERY_QUEUE=queue, CACHE_KEY_PREFIX=queue)
    from channels.models import Channel, InboundEvent

    channel = Channel.objects.create(
        kind="webhook", name=f"ack-{run}", credentials={"secret": SECRET}
    )
    path = channel.webhook_path
    sent = iter(range(10**9))

    def delivery(_n: int) -> tuple[str, str, bytes, dict[str, str]]:
        n = next(sent)
        body = json.dumps(
            {"type": "message", "id": f"{run}-m{n}", "text": "Down?", "author": {"id": f"u{n}"}}
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Socialdesk-Signature": signature(SECRET, body),
            "X-Socialdesk-Delivery": f"{run}-d{n}",
        }
        return "POST", path, body, headers

    with gunicorn(env) as address:
        run_load(address, lambda n: ("GET", "/-/ping", None, {}), seconds=1)  # warm-up
        run_load(address, delivery, concurrency=2, seconds=1, expect=(200,))
        rounds = alternate_with_trivial_view(
            address,
            delivery,
            rounds=args.rounds,
            seconds=args.seconds,
            concurrency=args.concurrency,
            expect=(200,),
        )
    statements = _statements(path, run)
    _forget_queue(redis_url, queue)
    # No worker processes what this run stored: left pending, it would be drained first by the
    # next benchmark that runs a worker on this database, and delay its figures.
    InboundEvent.objects.filter(channel=channel).delete()

    print(f"ack run {run}: gunicorn 2 workers, no Celery worker, c={args.concurrency}")
    print("\n".join(rounds.lines("webhook ack")))
    print(rounds.summary("webhook ack"))
    print(f"SQL statements per delivery: {statements}")


def _statements(path: str, run: str) -> int:
    """SQL statements of one delivery once the process has seen the channel (in process)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()

    def post(n: str) -> None:
        body = json.dumps(
            {"type": "message", "id": n, "text": "Down?", "author": {"id": "u"}}
        ).encode()
        client.post(
            path,
            data=body,
            content_type="application/json",
            HTTP_X_SOCIALDESK_SIGNATURE=signature(SECRET, body),
            HTTP_X_SOCIALDESK_DELIVERY=n,
        )

    post(f"{run}-count-1")
    with CaptureQueriesContext(connection) as captured:
        post(f"{run}-count-2")
    return len(captured.captured_queries)


def _forget_queue(redis_url: str, queue: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).delete(queue)


if __name__ == "__main__":
    main()

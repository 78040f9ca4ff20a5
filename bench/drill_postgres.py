"""Drill: PostgreSQL restarts while webhooks and REST inquiries keep arriving.

python bench/drill_postgres.py [--seconds 16] [--down 3]

Starts a private PostgreSQL cluster (initdb in a temporary directory, port 5441, trust auth on
127.0.0.1) and a private Redis, then gunicorn, a Celery worker and beat on them. Traffic runs
throughout; PostgreSQL stops for --down seconds in the middle and starts again. Every request
must get a 2xx or a 503 (never a 500), the server must recover without a restart, and every
acknowledged delivery and inquiry must be stored and processed exactly once.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import uuid
from collections import Counter

from common import bench_env, celery_beat, celery_worker, gunicorn, setup_django, wait_until
from drills import (
    SECRET,
    Sent,
    delivery,
    drill_environment,
    fresh_database,
    post,
    private_postgres,
    private_redis,
    verdict,
    warm_up,
)

# The server is given this long after PostgreSQL is back; every answer after it must be a 2xx.
RECOVERY_SECONDS = 2.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=16.0)
    parser.add_argument("--down", type=float, default=3.0, help="seconds PostgreSQL is stopped")
    parser.add_argument("--pg-port", type=int, default=5441)
    parser.add_argument("--redis-port", type=int, default=6393)
    parser.add_argument("--port", type=int, default=8713, help="gunicorn's port")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    with private_postgres(args.pg_port) as postgres, private_redis(args.redis_port) as redis:
        overrides = drill_environment(
            database_url=postgres.url,
            redis_url=redis.url,
            run=run,
        )
        env = bench_env(**overrides)
        fresh_database(env)
        setup_django(**overrides)
        from django.db import connection

        from channels.models import Channel, InboundEvent
        from desk.models import ApiClient, Inquiry

        channel = Channel.objects.create(
            kind="webhook", name=f"drill-pg-{run}", credentials={"secret": SECRET}
        )
        api_channel = Channel.objects.create(kind="api", name="REST API")
        client = ApiClient(name=f"drill-{run}", channel=api_channel)
        token = client.issue_token()
        client.save()
        connection.close()  # this process's connection would not survive the restart either

        hooks, inquiries = Sent(), Sent()
        timeline: list[tuple[float, int]] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds

        def webhook_sender(offset: int) -> None:
            n = offset
            while time.monotonic() < stop_at:
                status = post(address, *delivery(run, n, channel.webhook_path))
                hooks.record(n, status)
                with lock:
                    timeline.append((time.monotonic(), status))
                n += 4

        def inquiry_sender(offset: int) -> None:
            n = offset
            headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
            while time.monotonic() < stop_at:
                body = json.dumps(
                    {
                        "text": f"Is the shop down? ({n})",
                        "author": {"name": "Ann"},
                        "external_id": f"{run}-{n}",
                    }
                ).encode()
                status = post(address, "/api/v1/inquiries/", body, headers)
                inquiries.record(n, status)
                with lock:
                    timeline.append((time.monotonic(), status))
                n += 2

        with (
            gunicorn(env, port=args.port) as address,
            celery_worker(env) as worker,
            celery_beat(env),
        ):
            warm_up(address, channel.webhook_path, run, InboundEvent.objects)
            connection.close()
            started = time.monotonic()
            stop_at = started + args.seconds
            senders = [threading.Thread(target=webhook_sender, args=(i,)) for i in range(4)] + [
                threading.Thread(target=inquiry_sender, args=(i,)) for i in range(2)
            ]
            for sender in senders:
                sender.start()
            time.sleep((args.seconds - args.down) / 2)
            down_at = time.monotonic()
            postgres.stop("fast")
            time.sleep(args.down)
            postgres.start()
            up_at = time.monotonic()
            # The verdict reads the answers from 2 s after the restart on: the senders go on
            # for 2 s past that, however long the stop and start took (a short --seconds and a
            # slow start left no answer to read, and the drill failed a service that recovered).
            stop_at = max(stop_at, up_at + RECOVERY_SECONDS + 2)
            for sender in senders:
                sender.join()
            acknowledged = {f"{run}-d{n}" for n in hooks.acknowledged()}
            events = InboundEvent.objects.filter(channel=channel, delivery_id__in=acknowledged)
            wait_until(
                lambda: events.filter(state=InboundEvent.State.DONE).count() == len(acknowledged),
                timeout=args.timeout,
            )
            restarts = worker.restarts

        statuses = Counter(status for _, status in timeline)
        after = [status for moment, status in timeline if moment > up_at + RECOVERY_SECONDS]
        stored = events.count()
        processed = events.filter(state=InboundEvent.State.DONE).count()
        answered_inquiries = {f"{run}-{n}" for n in inquiries.acknowledged()}
        stored_inquiries = Inquiry.objects.filter(external_id__in=answered_inquiries).count()
        print(
            f"PostgreSQL restart drill {run}: stopped {down_at - started:.1f} s "
            f"into the run for {up_at - down_at:.1f} s; worker restarts {restarts}"
        )
        print(f"answers: {dict(sorted(statuses.items()))} (0 = no answer)")
        print(
            f"webhooks: delivered {len(hooks.statuses)}, acknowledged {len(acknowledged)}, "
            f"refused 503 {sum(s == 503 for s in hooks.statuses.values())}, stored {stored}, "
            f"processed {processed}, lost {len(acknowledged) - stored}"
        )
        print(
            f"inquiries: posted {len(inquiries.statuses)}, created {len(answered_inquiries)}, "
            f"refused 503 {sum(s == 503 for s in inquiries.statuses.values())}, "
            f"stored {stored_inquiries}, lost {len(answered_inquiries) - stored_inquiries}"
        )
        print(
            f"after recovery (from {RECOVERY_SECONDS:g} s after the restart): "
            f"{dict(Counter(after))}"
        )
        problems = []
        if statuses[500] or any(s not in (200, 201, 503) for s in statuses):
            problems.append("answers other than 2xx and 503")
        if stored != len(acknowledged) or stored_inquiries != len(answered_inquiries):
            problems.append("an acknowledged request was lost")
        if processed != stored:
            problems.append(f"{stored - processed} stored events were not processed")
        if not after or any(s not in (200, 201) for s in after):
            problems.append("the service did not recover by itself")
        if not statuses[503]:
            problems.append("no request met the outage (make --down longer)")
        return verdict(problems)


if __name__ == "__main__":
    sys.exit(main())

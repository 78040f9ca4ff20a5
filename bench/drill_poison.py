"""Drill: a poison event among good ones — retried with backoff, parked, never blocking others.

python bench/drill_poison.py [--deliveries 60] [--attempts 4]

A delivery whose processing cannot succeed arrives first, in a burst of good ones: an
Instagram mention, which is read back from the Graph API, on a channel whose Graph API refuses
every connection. (A delivery in a shape we cannot read is no poison any more: it is stored as
unsupported at once, issue 19.) A real worker and beat (sweeping every second, backoff base
1 s) must process every good event at once, retry the poison with growing gaps, and park it as
failed with its error after --attempts attempts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid

from common import (
    bench_env,
    celery_beat,
    celery_worker,
    gunicorn,
    setup_django,
    signature,
    wait_until,
)
from drills import (
    SECRET,
    Sent,
    add_database_argument,
    delivery,
    drill_environment,
    fresh_database,
    post,
    private_redis,
    send_concurrently,
    verdict,
    warm_up,
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=60)
    parser.add_argument("--attempts", type=int, default=4)
    parser.add_argument("--redis-port", type=int, default=6394)
    parser.add_argument("--port", type=int, default=8714, help="gunicorn's port")
    add_database_argument(parser)
    parser.add_argument("--timeout", type=float, default=90.0)
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    with private_redis(args.redis_port) as redis:
        overrides = drill_environment(
            database_url=args.database_url,
            redis_url=redis.url,
            run=run,
            INBOUND_MAX_ATTEMPTS=str(args.attempts),
            OUTBOUND_ALLOW_PRIVATE_HOSTS="127.0.0.1",
            HTTP_MAX_RETRIES="0",
            INBOUND_RETRY_BASE_SECONDS="1",
        )
        env = bench_env(**overrides)
        fresh_database(env)
        setup_django(**overrides)
        from channels.models import Channel, InboundEvent
        from channels.services import create_channel

        channel = Channel.objects.create(
            kind="webhook", name=f"drill-poison-{run}", credentials={"secret": SECRET}
        )
        poison_channel = create_channel(
            kind="meta",
            name=f"drill-poison-graph-down-{run}",
            values={
                # Port 9 (discard) has no listener: every Graph API call is refused.
                "graph_url": "http://127.0.0.1:9",
                "app_secret": SECRET,
                "verify_token": "v",
                "page_tokens": "1:token",
                "instagram_accounts": "17841400000000001:1",
            },
        )
        poison_body = json.dumps(
            {
                "object": "instagram",
                "entry": [
                    {
                        "id": "17841400000000001",
                        "time": int(time.time()),
                        "changes": [
                            {"field": "mentions", "value": {"media_id": "1", "comment_id": run}}
                        ],
                    }
                ],
            }
        ).encode()
        poison_headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": signature(SECRET, poison_body),
        }
        requests = [(n, delivery(run, n, channel.webhook_path)) for n in range(args.deliveries)]
        good = InboundEvent.objects.filter(
            channel=channel, delivery_id__in=[f"{run}-d{n}" for n, _ in requests]
        )
        poison = InboundEvent.objects.filter(channel=poison_channel)
        sent = Sent()
        attempts_seen: list[tuple[int, float]] = []
        with gunicorn(env, port=args.port) as address, celery_worker(env), celery_beat(env):
            warm_up(address, channel.webhook_path, run, InboundEvent.objects)
            started = time.monotonic()
            poison_status = post(address, poison_channel.webhook_path, poison_body, poison_headers)
            send_concurrently(address, requests, sent, concurrency=8)
            wait_until(lambda: good.filter(state="done").count() == len(requests), timeout=60)
            good_done_after = time.monotonic() - started
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                event = poison.first()
                if event and (not attempts_seen or attempts_seen[-1][0] != event.attempts):
                    attempts_seen.append((event.attempts, time.monotonic() - started))
                if event and event.state == InboundEvent.State.FAILED:
                    break
                time.sleep(0.1)

        event = poison.get()
        gaps = [
            round(b[1] - a[1], 1) for a, b in zip(attempts_seen, attempts_seen[1:], strict=False)
        ]
        print(
            f"poison drill {run}: poison acknowledged with {poison_status}; "
            f"{good.filter(state='done').count()} of {len(requests)} good events processed "
            f"{good_done_after:.1f} s after the poison arrived"
        )
        print(f"answers: {sent.summary()}")
        print(
            f"poison: state {event.state} after {event.attempts} attempts; "
            f"seconds between attempts {gaps}; error: {event.last_error[:90]}"
        )
        print(
            f"delivered {len(requests) + 1}, acknowledged {len(sent.acknowledged()) + 1}, "
            f"stored {good.count() + poison.count()}, "
            f"processed {good.filter(state='done').count()}, "
            f"parked {int(event.state == InboundEvent.State.FAILED)}, duplicated 0"
        )
        problems = []
        if good.filter(state="done").count() != len(requests):
            problems.append("good events were left unprocessed")
        if event.state != InboundEvent.State.FAILED or event.attempts != args.attempts:
            problems.append("the poison was not parked after its attempts")
        if not event.last_error:
            problems.append("the poison's error was not recorded")
        if any(later < earlier for earlier, later in zip(gaps, gaps[1:], strict=False)):
            problems.append("retries did not back off")
        return verdict(problems)


if __name__ == "__main__":
    sys.exit(main())

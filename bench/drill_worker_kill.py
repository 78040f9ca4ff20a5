"""Drill: the Celery worker is killed with SIGKILL while it works through a backlog.

python bench/drill_worker_kill.py [--deliveries 200] [--kills 2]

A burst of webhooks builds a backlog; the worker (with its pool children) is SIGKILLed twice
mid-processing and restarted by its supervisor, as `restart: unless-stopped` would. Every
event must end processed exactly once: one message and one ticket per mention, each event
processed in a single committed attempt.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid

from common import bench_env, celery_beat, celery_worker, gunicorn, setup_django, wait_until
from drills import (
    SECRET,
    Sent,
    add_database_argument,
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
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--redis-port", type=int, default=6392)
    parser.add_argument("--port", type=int, default=8712, help="gunicorn's port")
    add_database_argument(parser)
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    with private_redis(args.redis_port) as redis:
        overrides = drill_environment(
            database_url=args.database_url,
            redis_url=redis.url,
            run=run,
        )
        env = bench_env(**overrides)
        fresh_database(env)
        setup_django(**overrides)
        from django.db.models import Count

        from channels.models import Channel, InboundEvent
        from tickets.models import Message, Ticket, TicketEvent

        channel = Channel.objects.create(
            kind="webhook", name=f"drill-kill-{run}", credentials={"secret": SECRET}
        )
        requests = [(n, delivery(run, n, channel.webhook_path)) for n in range(args.deliveries)]
        events = InboundEvent.objects.filter(
            channel=channel, delivery_id__in=[f"{run}-d{n}" for n, _ in requests]
        )
        done = events.filter(state=InboundEvent.State.DONE)
        sent = Sent()
        killed_at: list[int] = []
        with (
            gunicorn(env, port=args.port) as address,
            celery_worker(env) as worker,
            celery_beat(env),
        ):
            warm_up(address, channel.webhook_path, run, InboundEvent.objects)
            send_concurrently(address, requests, sent, concurrency=8)
            for k in range(args.kills):
                threshold = len(requests) * (k + 1) // (args.kills + 2)
                wait_until(
                    lambda t=threshold: done.count() >= t, timeout=args.timeout, interval=0.05
                )
                killed_at.append(done.count())
                worker.kill()
                time.sleep(1)  # let the supervisor notice, as a container runtime would
            wait_until(lambda: done.count() == len(requests), timeout=args.timeout)
            restarts = worker.restarts

        acknowledged = len(sent.acknowledged())
        messages = Message.objects.filter(channel=channel).exclude(platform_id=f"{run}-m-1")
        distinct = messages.values("platform_id").distinct().count()
        tickets = Ticket.objects.filter(channel=channel).count() - 1  # minus the warm-up's
        created_twice = (
            TicketEvent.objects.filter(ticket__channel=channel, kind="created")
            .values("ticket")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )
        reprocessed = done.filter(attempts__gt=1).count()
        print(
            f"worker kill drill {run}: SIGKILLed after {killed_at} of {len(requests)} events were "
            f"processed; the supervisor restarted it {restarts} times"
        )
        print(f"answers: {sent.summary()}")
        print(
            f"delivered {len(requests)}, acknowledged {acknowledged}, stored {events.count()}, "
            f"processed {done.count()}, messages {messages.count()}, tickets {tickets}, "
            f"duplicated {messages.count() - distinct + created_twice}, "
            f"committed more than once {reprocessed}"
        )
        problems = []
        if acknowledged != len(requests) or events.count() != len(requests):
            problems.append("not every delivery was acknowledged and stored")
        if done.count() != len(requests):
            problems.append(f"{len(requests) - done.count()} events were not processed")
        if messages.count() != distinct or distinct != len(requests) or tickets != distinct:
            problems.append("messages or tickets do not match the mentions one to one")
        if created_twice or reprocessed:
            problems.append("an event was processed more than once")
        if restarts < args.kills:
            problems.append("the worker was not killed and restarted as planned")
        return verdict(problems)


if __name__ == "__main__":
    sys.exit(main())

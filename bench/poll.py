"""Polling a spike: a fake Mastodon instance on 127.0.0.1 holds N new mentions; one poll
pages through them with the real HTTP client and stores the raw events, then they are
processed into tickets. Figures: events stored/s by the poller, mentions processed/s.

python bench/poll.py [--mentions 2000]   (PostgreSQL at BENCH_DATABASE_URL, no Redis)
"""

import argparse
import time
import uuid

from common import bench_env, create_database, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=2000)
    args = parser.parse_args()
    # Tasks go to an in-memory broker: the poll is timed alone, processing after it.
    env = {
        "OUTBOUND_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        "POLL_MAX_PAGES": "1000",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    create_database(bench_env(**env))
    setup_django(**env)
    from channels.models import InboundEvent
    from channels.polling import poll_channel
    from channels.services import create_channel
    from desk.ingestion.processing import process_event
    from tests.fakes.fixtures import fixture_json
    from tests.fakes.mastodon import TOKEN, FakeMastodon

    with FakeMastodon().running() as fake:
        channel = create_channel(
            kind="mastodon",
            name=f"bench-{uuid.uuid4().hex[:8]}",
            values={"instance_url": fake.url, "access_token": TOKEN},
        )
        channel.poll_cursor = {"account_id": "1", "notifications": "1"}
        channel.save()
        base = 300000000000000000 + int(time.time()) * 10000
        for n in range(args.mentions):
            notification = fixture_json("mastodon", "notification__mention")
            notification["id"] = str(50000000 + n)
            notification["status"]["id"] = str(base + n)
            notification["status"]["account"]["url"] = f"https://chaos.social/@user{n % 700}"
            notification["status"]["media_attachments"] = []
            fake.add_notification(notification)
        started = time.perf_counter()
        report = poll_channel(channel_id=channel.pk)
        polled = time.perf_counter() - started
    event_ids = list(
        InboundEvent.objects.filter(channel=channel).order_by("id").values_list("pk", flat=True)
    )
    started = time.perf_counter()
    for event_id in event_ids:
        process_event(event_id)
    processed = time.perf_counter() - started
    print(
        f"poll:    {report.stored / polled:8.1f} events stored/s "
        f"({report.stored} events, {report.pages} pages of 40 over HTTP)"
    )
    print(f"process: {len(event_ids) / processed:8.1f} mentions processed/s (parse + ingest)")


if __name__ == "__main__":
    main()

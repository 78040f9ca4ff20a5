"""The ingest service alone, in one process on PostgreSQL: mentions per second.

python bench/ingest.py [--mentions 3000]
"""

import argparse
import time
import uuid

from common import bench_env, create_database, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=3000)
    args = parser.parse_args()
    create_database(bench_env())
    setup_django()
    from django.utils import timezone

    from channels.adapters.base import Author, Mention
    from channels.models import Channel
    from desk.ingestion.pipeline import ingest

    channel = Channel.objects.create(kind="webhook", name=f"bench-{uuid.uuid4().hex[:8]}")
    run = uuid.uuid4().hex[:8]
    now = timezone.now()
    mentions = [
        Mention(
            platform_id=f"{run}-{n}",
            author=Author(platform_user_id=f"user-{n % 700}", display_name=f"User {n % 700}"),
            text=f"Mention {n}: the app crashes" if n % 3 == 0 else f"Mention {n}: love it",
            created_at=now,
            parent_platform_id=f"{run}-{n - 1}" if n % 4 == 1 else "",
        )
        for n in range(args.mentions)
    ]
    started = time.perf_counter()
    for mention in mentions:
        ingest(channel=channel, mention=mention)
    elapsed = time.perf_counter() - started
    duplicate_started = time.perf_counter()
    for mention in mentions[:1000]:
        ingest(channel=channel, mention=mention)
    duplicate_elapsed = time.perf_counter() - duplicate_started
    print(f"ingest: {args.mentions / elapsed:8.1f} new mentions/s ({args.mentions} mentions)")
    print(f"ingest: {1000 / duplicate_elapsed:8.1f} duplicate mentions/s (dedupe path)")


if __name__ == "__main__":
    main()

"""REST inquiry creation (ticket included) under gunicorn on PostgreSQL, beside a trivial view.

python bench/inquiries.py [--rounds 5] [--seconds 3] [--concurrency 8] [--authors unique|reused]

Each inquiry comes from a new author by default (every create then makes a contact and an
identity, as a spike of first-time writers does); --authors reused cycles through 500. Also
prints the SQL statements one create runs (a new author and a new ticket), counted in-process.
With REDIS_URL set the stack is the production one (Redis cache, rate limit and broker);
without it, tasks run inline. Either way the web processes count new inquiries together per
window (INQUIRY_COUNT_WINDOW_SECONDS). Creates and
the trivial view alternate in short rounds (see common.Rounds); the ratio's median and range
close the output.
"""

import argparse
import json
import subprocess
import sys
from collections.abc import Callable

from common import (
    ROOT,
    alternate_with_trivial_view,
    bench_env,
    create_database,
    gunicorn,
    run_load,
    setup_django,
)

# Numbers of the warm-up's inquiries, apart from the measured ones (0, 1, ...).
WARM_UP = 5_000_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--authors", choices=("unique", "reused"), default="unique")
    args = parser.parse_args()
    env = bench_env()
    create_database(env)
    name = f"bench-{__import__('uuid').uuid4().hex[:6]}"
    created = subprocess.run(
        [sys.executable, "manage.py", "api_client", "create", name],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    token = created.stdout.strip().splitlines()[-1]
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def inquiry(n: int) -> tuple[str, str, bytes, dict[str, str]]:
        author = f"{name}-{n}" if args.authors == "unique" else str(n % 500)
        body = {
            "text": f"My login shows an error, attempt {n}",
            "author": {"name": f"Bench {author}", "email": f"bench{author}@example.org"},
            "external_id": f"{name}-{n}",
        }
        return "POST", "/api/v1/inquiries/", json.dumps(body).encode(), headers

    with gunicorn(env) as address:
        run_load(address, lambda n: ("GET", "/-/ping", None, {}), seconds=2)  # warm-up
        # Each gunicorn worker loads the language models and the holiday calendar on its first
        # create: a cost per process start, not per create, so it is paid before measuring.
        run_load(address, lambda n: inquiry(WARM_UP + n), concurrency=4, seconds=2, expect=(201,))
        rounds = alternate_with_trivial_view(
            address,
            inquiry,
            rounds=args.rounds,
            seconds=args.seconds,
            concurrency=args.concurrency,
            expect=(201,),
        )
    statements = statements_per_create(token, inquiry)
    print(
        f"concurrency {args.concurrency}, {args.rounds} rounds of {args.seconds:g} s each, "
        f"gunicorn 2 workers, PostgreSQL, {args.authors} authors, "
        + (f"Redis at {env['REDIS_URL']}" if env.get("REDIS_URL") else "no Redis (tasks inline)")
    )
    print("\n".join(rounds.lines("POST /api/v1/inquiries/")))
    print(rounds.summary("REST create"))
    print(f"SQL statements per create ({args.authors} author, new ticket): {statements}")


def statements_per_create(
    token: str, inquiry: Callable[[int], tuple[str, str, bytes, dict[str, str]]]
) -> int:
    """Every statement of one create through Django's test client, configuration warm."""
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")

    def post(n: int) -> None:
        _, path, body, _ = inquiry(n)
        response = client.post(path, data=body, content_type="application/json")
        assert response.status_code == 201, response.content

    post(10_000_000)  # warms the configuration this process keeps
    from desk.ingestion.counting import counted_in_windows

    with CaptureQueriesContext(connection) as captured:
        post(10_000_001)
        # Its counting too, done here if the window deferred it (as in a web process).
        counted_in_windows.flush()
    return len(captured.captured_queries)


if __name__ == "__main__":
    main()

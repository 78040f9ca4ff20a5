"""REST inquiry creation (ticket included) under gunicorn on PostgreSQL, beside a trivial view.

python bench/inquiries.py [--seconds 10] [--concurrency 8]
"""

import argparse
import json
import subprocess
import sys

from common import ROOT, bench_env, create_database, gunicorn, run_load, trivial_view_load


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
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
        body = {
            "text": f"My login shows an error, attempt {n}",
            "author": {"name": f"Bench {n % 500}", "email": f"bench{n % 500}@example.org"},
            "external_id": f"{name}-{n}",
        }
        return "POST", "/api/v1/inquiries/", json.dumps(body).encode(), headers

    with gunicorn(env) as address:
        run_load(address, lambda n: ("GET", "/-/ping", None, {}), seconds=2)  # warm-up
        floor = trivial_view_load(address, concurrency=args.concurrency, seconds=args.seconds)
        created_load = run_load(
            address, inquiry, concurrency=args.concurrency, seconds=args.seconds, expect=(201,)
        )
    print(
        f"concurrency {args.concurrency}, {args.seconds:.0f} s each, gunicorn 2 workers, PostgreSQL"
    )
    print(floor.line("trivial view GET /-/ping"))
    print(created_load.line("POST /api/v1/inquiries/", floor))


if __name__ == "__main__":
    main()

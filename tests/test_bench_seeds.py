"""The benchmarks that seed their data with SQL still run against today's schema.

bench/sla.py, bench/inbox.py, bench/dashboard.py and bench/retention.py write tickets with
INSERT ... SELECT generate_series, past the models, so a new NOT NULL column without a database
default breaks them while every other test passes: `follow_up_breached` did, unnoticed until
`make bench` was run. Each runs here at a tiny size on a database of its own.
"""

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import skip_or_fail
from tests.test_celery_worker import database_url

# (script, its arguments, the variable naming its database): seeding and the least of each run.
SEEDED = [
    ("sla.py", ["--tickets", "300", "--seconds", "0.1", "--overdue", "300"], "BENCH_DATABASE_URL"),
    ("inbox.py", ["--tickets", "300", "--seed-only"], "BENCH_INBOX_DATABASE_URL"),
    (
        "dashboard.py",
        ["--tickets", "300", "--mentions", "30", "--seconds", "0.1"],
        "BENCH_DATABASE_URL",
    ),
    ("retention.py", ["--messages", "2000"], "BENCH_RETENTION_DATABASE_URL"),
]


@pytest.fixture
def throwaway_databases() -> Iterator[list[str]]:
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL)")
    names: list[str] = []
    yield names
    for name in names:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"],
            capture_output=True,
            check=False,
        )


@pytest.mark.parametrize(("script", "arguments", "variable"), SEEDED)
def test_a_benchmark_seeding_with_sql_runs(
    script: str, arguments: list[str], variable: str, throwaway_databases: list[str]
) -> None:
    base = database_url().rsplit("/", 1)[0]
    name = f"{settings.DATABASES['default']['NAME']}_{script.removesuffix('.py')}"
    throwaway_databases.append(name)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, variable: f"{base}/{name}", "BENCH_PORT": str(port)}
    env.pop("REDIS_URL", None)

    run = subprocess.run(
        [sys.executable, f"bench/{script}", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert run.returncode == 0, run.stderr[-3000:]
    assert "seed" in run.stdout, run.stdout[-2000:]

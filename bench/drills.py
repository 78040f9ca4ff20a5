"""What the fault drills share: private Redis and PostgreSQL instances, signed deliveries, counts.

A drill never touches the shared services: it stops and restarts only instances it started
itself, on their own ports, in a temporary directory it removes afterwards.
"""

from __future__ import annotations

import glob
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import ROOT, signature, wait_until

SECRET = "drill-secret"


class PrivateRedis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.dir = tempfile.mkdtemp(prefix=f"drill-redis-{port}-")
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                self.dir,
                "--pidfile",
                f"{self.dir}/redis.pid",
                "--logfile",
                f"{self.dir}/redis.log",
            ],
            check=True,
        )
        for _ in range(50):
            if self._cli("ping") == "PONG":
                return
            time.sleep(0.1)
        raise RuntimeError(f"private Redis on port {self.port} did not start")

    def stop(self) -> None:
        self._cli("shutdown", "nosave")
        for _ in range(50):
            if self._cli("ping") != "PONG":
                return
            time.sleep(0.1)

    def _cli(self, *args: str) -> str:
        done = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True, check=False
        )
        return done.stdout.strip()


@contextmanager
def private_redis(port: int) -> Iterator[PrivateRedis]:
    redis = PrivateRedis(port)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()
        shutil.rmtree(redis.dir, ignore_errors=True)


class PrivatePostgres:
    """A throwaway cluster owned by the postgres user, trust auth on 127.0.0.1 only."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.dir = tempfile.mkdtemp(prefix=f"drill-pg-{port}-")
        self.data = f"{self.dir}/data"
        self.url = f"postgres://postgres@127.0.0.1:{port}/drill"
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not bins:
            raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin = Path(bins[-1])

    def _as_owner(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._as_owner(
            str(self.bin / "initdb"), "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8"
        )
        self.start()
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "drill"],
            check=True,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._as_owner(
            str(self.bin / "pg_ctl"),
            "-D",
            self.data,
            "-o",
            options,
            "-l",
            f"{self.dir}/log",
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._as_owner(str(self.bin / "pg_ctl"), "-D", self.data, "-m", mode, "-w", "stop")


@contextmanager
def private_postgres(port: int) -> Iterator[PrivatePostgres]:
    postgres = PrivatePostgres(port)
    postgres.init()
    try:
        yield postgres
    finally:
        try:
            postgres.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(postgres.dir, ignore_errors=True)


def delivery(run: str, n: int, path: str, *, text: str = "") -> tuple[str, bytes, dict[str, str]]:
    body = json.dumps(
        {
            "type": "message",
            "id": f"{run}-m{n}",
            "text": text or f"Outage report {n}: the app does not work",
            "author": {"id": f"{run}-u{n % 97}", "name": f"Customer {n % 97}"},
        }
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Socialdesk-Signature": signature(SECRET, body),
        "X-Socialdesk-Delivery": f"{run}-d{n}",
    }
    return path, body, headers


@dataclass
class Sent:
    """Every delivery's outcome: the HTTP status, or 0 when the connection itself failed."""

    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, n: int, status: int) -> None:
        with self.lock:
            self.statuses[n] = status

    def acknowledged(self) -> set[int]:
        return {n for n, status in self.statuses.items() if 200 <= status < 300}

    def summary(self) -> str:
        counts = Counter(self.statuses.values())
        return ", ".join(
            f"{status or 'no answer'}: {count}" for status, count in sorted(counts.items())
        )


def post(address: str, path: str, body: bytes, headers: dict[str, str]) -> int:
    host, port = address.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        conn.close()


def send_concurrently(
    address: str,
    requests: list[tuple[int, tuple[str, bytes, dict[str, str]]]],
    sent: Sent,
    *,
    concurrency: int = 8,
    pause: float = 0.0,
) -> None:
    queue = iter(requests)
    lock = threading.Lock()

    def sender() -> None:
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                return
            n, (path, body, headers) = item
            sent.record(n, post(address, path, body, headers))
            if pause:
                time.sleep(pause)

    threads = [threading.Thread(target=sender) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def verdict(problems: list[str]) -> int:
    if problems:
        print("FAILED: " + "; ".join(problems))
        return 1
    print("PASSED")
    return 0


def fresh_database(env: dict[str, str]) -> None:
    """Drop and recreate the drill's own database, then migrate: no backlog of an earlier run."""
    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    host_args = ["-h", "127.0.0.1", "-U", "postgres"]
    port = env["DATABASE_URL"].rsplit(":", 1)[1].split("/", 1)[0]
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(
            ["psql", *host_args, "-p", port, "-qc", sql], check=True, capture_output=True
        )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def warm_up(address: str, path: str, run: str, events: Any, *, timeout: float = 90.0) -> None:
    """One delivery through the whole pipeline first: the drill starts with every process ready."""
    status = post(address, *delivery(run, -1, path))
    if status != 200 or not wait_until(
        lambda: events.filter(delivery_id=f"{run}-d-1", state="done").exists(), timeout=timeout
    ):
        raise RuntimeError(f"the warm-up delivery was not processed (answer {status})")


def add_database_argument(parser: Any) -> None:
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DRILL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/socialdesk_drill"
        ),
        help="dropped and recreated",
    )


def drill_environment(
    *, database_url: str, redis_url: str, run: str, **extra: str
) -> dict[str, str]:
    """What every drill's processes share: private services, their own queue and cache keys,
    and a sweeper fast enough to finish a drill in seconds."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": f"drill-{run}",
        "CACHE_KEY_PREFIX": f"drill-{run}",
        "INBOUND_SWEEP_SECONDS": "1",
        "INBOUND_SWEEP_GRACE_SECONDS": "2",
        **extra,
    }

"""Shared harness: a PostgreSQL database, gunicorn on 127.0.0.1, and a bounded load loop."""

from __future__ import annotations

import functools
import hashlib
import hmac
import http.client
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/socialdesk_bench"


def bench_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "DJANGO_SETTINGS_MODULE": "desk.config.settings",
        "API_THROTTLE_RATE": "10000000/min",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    return env


def setup_django(**extra: str) -> None:
    os.environ.update(bench_env(**extra))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def warn_of_backlog() -> int:
    """Pending events in the bench database that this run did not store: its worker drains them
    too (oldest first), and its delivery -> ticket times would include them. Returns how many."""
    from channels.models import InboundEvent

    backlog = InboundEvent.objects.filter(state=InboundEvent.State.PENDING).count()
    if backlog:
        print(
            f"WARNING: {backlog} pending events from earlier runs are in this database; the "
            "worker drains them first, so the figures below include them",
            file=sys.stderr,
            flush=True,
        )
    return backlog


def create_database(env: dict[str, str]) -> None:
    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {name}"],
        capture_output=True,
        check=False,
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


@contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    port: int = int(os.environ.get("BENCH_PORT", "8710")),
    workers: int = int(os.environ.get("BENCH_WORKERS", "2")),
) -> Iterator[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "desk.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/-/ping")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            # Figures against a server that never answered would be errors, not rates.
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer GET /-/ping on port {port}")
            time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0

    def line(self, label: str, baseline: LoadResult | None = None) -> str:
        ratio = f"  ({100 * self.rate / baseline.rate:5.1f}% of trivial view)" if baseline else ""
        return (
            f"{label:28} {self.rate:8.1f} req/s  p50 {statistics.median(self.latencies_ms):6.2f} ms"
            f"  p99 {self.percentile(0.99):6.2f} ms  errors {self.errors}{ratio}"
        )

    def cpu_line(self) -> str:
        """Where the machine's CPU went, per request. A rate is busy cores over CPU per request,
        so these figures account for a ratio to the trivial view (docs/benchmarks.md)."""
        if not self.cpu_seconds or not self.requests:
            return "    CPU per request: not measured (no /proc)"
        kinds = sorted(self.cpu_seconds.items(), key=lambda item: -item[1])
        parts = [f"{kind} {1000 * spent / self.requests:.2f}" for kind, spent in kinds]
        total = sum(self.cpu_seconds.values())
        return (
            f"    CPU per request (ms): {', '.join(parts)}; total "
            f"{1000 * total / self.requests:.2f}; cores busy {total / self.seconds:.2f} "
            f"of {os.cpu_count()}"
        )


def run_load(
    address: str,
    make_request: Callable[[int], tuple[str, str, bytes | None, dict[str, str]]],
    *,
    concurrency: int = 8,
    seconds: float = 10.0,
    max_requests: int = 200_000,
    expect: tuple[int, ...] = (200, 201),
) -> LoadResult:
    """Closed-loop load: `concurrency` keep-alive clients, bounded in time and count."""
    host, port = address.split(":")
    lock = threading.Lock()
    counter = iter(range(max_requests))
    latencies: list[float] = []
    errors = 0
    stop_at = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        while time.monotonic() < stop_at:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            method, path, body, headers = make_request(n)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status in expect
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += not ok

    cpu_before = _cpu_by_kind()
    began = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    cpu_after = _cpu_by_kind()
    spent = {kind: cpu_after[kind] - cpu_before.get(kind, 0.0) for kind in cpu_after}
    cpu = {kind: seconds for kind, seconds in spent.items() if seconds > 0.005 * elapsed}
    return LoadResult(len(latencies), errors, elapsed, latencies, cpu)


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_by_kind() -> dict[str, float]:
    """CPU seconds used so far by each kind of process on this machine (Linux /proc), live
    ones only: a process that ends during a load is left out of it."""
    totals: dict[str, float] = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return totals
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime
        kind = _kind_of(int(entry.name), name, command)
        totals[kind] = totals.get(kind, 0.0) + used
    return totals


def _kind_of(pid: int, name: str, command: str) -> str:
    if pid == os.getpid():
        return "load client"
    if "gunicorn" in command:
        return "web"
    if "celery" in command:
        return "worker"
    if name.startswith("postgres") or command.startswith("postgres"):
        return "database"
    if name.startswith("redis"):
        return "redis"
    return "other"


def trivial_view_load(address: str, **kwargs: float) -> LoadResult:
    return run_load(address, lambda n: ("GET", "/-/ping", None, {}), **kwargs)  # type: ignore[arg-type]


@dataclass
class Rounds:
    """A measured request and the trivial view taking turns in short rounds: a machine shared
    with other work slows both alike within a round, where one long phase each would compare
    two different moments (consecutive 10-second REST runs differed by a third)."""

    floors: list[LoadResult]
    loads: list[LoadResult]

    @property
    def ratios(self) -> list[float]:
        pairs = zip(self.floors, self.loads, strict=True)
        return [100 * load.rate / floor.rate for floor, load in pairs]

    def lines(self, label: str) -> list[str]:
        lines = []
        for floor, load in zip(self.floors, self.loads, strict=True):
            lines += [floor.line("  trivial view"), floor.cpu_line()]
            lines += [load.line(f"  {label}", floor), load.cpu_line()]
        return lines

    def summary(self, label: str) -> str:
        ordered = sorted(self.ratios)
        p99s = sorted(load.percentile(0.99) for load in self.loads)
        return (
            f"{label}: {statistics.median(ordered):.1f}% of the trivial view (median of "
            f"{len(ordered)} rounds, range {ordered[0]:.1f}-{ordered[-1]:.1f}%), "
            f"p99 {p99s[0]:.1f}-{p99s[-1]:.1f} ms, errors {sum(x.errors for x in self.loads)}"
        )


def alternate_with_trivial_view(
    address: str,
    make_request: Callable[[int], tuple[str, str, bytes | None, dict[str, str]]],
    *,
    rounds: int,
    seconds: float,
    concurrency: int,
    expect: tuple[int, ...],
) -> Rounds:
    """`rounds` turns of the trivial view then `make_request`, each `seconds` long. The measured
    requests are numbered on across rounds, so each is new (a unique author, delivery id)."""
    taken = 0
    measured = Rounds([], [])
    for _ in range(rounds):
        measured.floors.append(trivial_view_load(address, concurrency=concurrency, seconds=seconds))
        load = run_load(
            address,
            functools.partial(lambda offset, n: make_request(offset + n), taken),
            concurrency=concurrency,
            seconds=seconds,
            expect=expect,
        )
        measured.loads.append(load)
        taken += load.requests
    return measured


class Supervised:
    """A process kept running like a container with `restart: unless-stopped`."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.command, self.env = command, env
        self.restarts = 0
        self.process = self._start()
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(self.command, cwd=ROOT, env=self.env, start_new_session=True)

    def _watch(self) -> None:
        while not self._stopping.wait(0.5):
            if self.process.poll() is not None:
                self.restarts += 1
                print(
                    f"[supervisor] {' '.join(self.command[2:6])} exited "
                    f"({self.process.returncode}); restarting",
                    flush=True,
                )
                self.process = self._start()

    def kill(self) -> None:
        """SIGKILL the whole process group (the worker and its pool children)."""
        os.killpg(self.process.pid, signal.SIGKILL)

    def stop(self) -> None:
        self._stopping.set()
        self._watcher.join()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@contextmanager
def celery_worker(
    env: dict[str, str], *, concurrency: int = 2, pool: str = "prefork"
) -> Iterator[Supervised]:
    """A real Celery worker on the run's own queue (CELERY_QUEUE in env), restarted if it dies."""
    worker = Supervised(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "desk.config",
            "worker",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "--loglevel",
            os.environ.get("BENCH_CELERY_LOGLEVEL", "WARNING"),
            "-Q",
            env["CELERY_QUEUE"],
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        {**env, "CELERY_TASK_ALWAYS_EAGER": "0"},
    )
    try:
        yield worker
    finally:
        worker.stop()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def wait_until(predicate: Callable[[], bool], *, timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@contextmanager
def celery_beat(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """Celery beat (the sweeper's clock), with its schedule file in a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="bench-beat-") as directory:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "desk.config",
                "beat",
                "--loglevel",
                os.environ.get("BENCH_CELERY_LOGLEVEL", "WARNING"),
                "--schedule",
                f"{directory}/schedule",
            ],
            cwd=ROOT,
            env={**env, "CELERY_TASK_ALWAYS_EAGER": "0"},
        )
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=30)

"""`make bench`: every benchmark once, one after the other, then a summary.
python bench/run_all.py [--full] [--drills] [--only NAME ...] [--list]

By default each benchmark runs in a quick mode (small data, short phases) so the whole set
finishes in minutes and shows that every command still works and roughly where it stands; the
figures worth quoting come from `--full` (each command's own defaults: a million tickets for
the inbox and dashboards) or from running one command alone (docs/benchmarks.md).

Quick runs use their own PostgreSQL databases (BENCH_DATABASE_URL with `_quick...` appended),
so they never reseed the million-ticket databases of full runs. The fault drills start their
own Redis and PostgreSQL on private ports; they run with `--drills`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/socialdesk_bench"


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    quick: tuple[str, ...]
    # Which quick database the command reads from its environment, if any.
    quick_database: dict[str, str] = field(default_factory=dict)
    drill: bool = False


BENCHES = (
    Bench("inquiries", "inquiries.py", ("--rounds", "2", "--seconds", "1")),
    Bench("ingest", "ingest.py", ("--mentions", "300")),
    Bench("poll", "poll.py", ("--mentions", "200")),
    Bench("sla", "sla.py", ("--tickets", "5000", "--seconds", "1")),
    Bench("classify", "classify.py", ("--rounds", "1")),
    Bench(
        "inbox",
        "inbox.py",
        ("--tickets", "20000", "--seconds", "2"),
        {"BENCH_INBOX_DATABASE_URL": "_quick_inbox"},
    ),
    Bench(
        "dashboard",
        "dashboard.py",
        ("--tickets", "20000", "--mentions", "2000", "--seconds", "2"),
        {"BENCH_DATABASE_URL": "_quick_dashboards"},
    ),
    Bench("retention", "retention.py", ("--messages", "20000")),
    Bench("ack", "ack.py", ("--rounds", "2", "--seconds", "1")),
    Bench("load", "load.py", ("--deliveries", "300", "--seconds", "2", "--spike-seconds", "15")),
    Bench("drain", "drain.py", ("--events", "200", "--seconds", "2")),
    Bench("drill_redis", "drill_redis.py", ("--deliveries", "60"), drill=True),
    Bench("drill_worker_kill", "drill_worker_kill.py", ("--deliveries", "60"), drill=True),
    Bench("drill_postgres", "drill_postgres.py", ("--seconds", "8"), drill=True),
    Bench("drill_poison", "drill_poison.py", ("--deliveries", "20"), drill=True),
)


def environment(bench: Bench, *, full: bool) -> dict[str, str]:
    env = dict(os.environ)
    if full:
        return env
    base = env.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    env["BENCH_DATABASE_URL"] = base + "_quick"
    for variable, suffix in bench.quick_database.items():
        env[variable] = base + suffix
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="each command's own defaults")
    parser.add_argument("--drills", action="store_true", help="the fault drills too")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="these benchmarks only")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args()

    known = {bench.name for bench in BENCHES}
    unknown = sorted(set(args.only or ()) - known)
    if unknown:
        parser.error(
            f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    chosen = [
        bench
        for bench in BENCHES
        if (bench.name in args.only if args.only else args.drills or not bench.drill)
    ]
    if args.list:
        for bench in chosen:
            quick = " ".join(bench.quick)
            print(f"{bench.name:18} python bench/{bench.script} {'' if args.full else quick}")
        return 0

    results: list[tuple[str, float, int]] = []
    for bench in chosen:
        command = [sys.executable, str(HERE / bench.script), *(() if args.full else bench.quick)]
        shown = " ".join([f"bench/{bench.script}", *command[2:]])
        print(f"\n=== {bench.name}: python {shown}", flush=True)
        started = time.perf_counter()
        code = subprocess.run(
            command, cwd=HERE.parent, env=environment(bench, full=args.full)
        ).returncode
        results.append((bench.name, time.perf_counter() - started, code))

    print("\n=== summary")
    for name, seconds, code in results:
        print(f"{name:18} {seconds:7.1f} s  {'ok' if code == 0 else f'FAILED (exit {code})'}")
    return 0 if all(code == 0 for _, _, code in results) else 1


if __name__ == "__main__":
    sys.exit(main())

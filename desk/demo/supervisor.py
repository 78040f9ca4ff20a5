"""Start the demo's processes together and stop them together.

Each child gets its own process group, so the supervisor (not the terminal) decides how they
stop: SIGTERM to every group, a grace period, then SIGKILL for whatever is left. Ctrl+C in
the terminal therefore stops everything, grandchildren included (beat runs inside the worker).
"""

from __future__ import annotations

import os
import signal
import subprocess  # nosec B404 - supervising the demo's own processes is its job
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GRACE_SECONDS = 10.0


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None


def manage(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve().parents[2] / "manage.py"), *args]


def demo_children(*, addrport: str, schedule_file: Path) -> list[Child]:
    return [
        Child("web", manage("runserver", addrport, "--noreload")),
        # The same tasks and schedule as production's separate worker and beat services.
        Child(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "desk.config",
                "worker",
                "--beat",
                "--schedule",
                str(schedule_file),
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
            ],
        ),
        Child("traffic", manage("demo_traffic")),
    ]


def run(children: list[Child], *, env: dict[str, str], say: Callable[[str], None]) -> int:
    """Run the children until one of them ends or we are told to stop; returns the exit code."""
    stop_requested: list[int] = []

    def request_stop(signum: int, frame: object) -> None:
        stop_requested.append(signum)

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for child in children:
            # Our own interpreter and fixed arguments, no shell.
            child.process = subprocess.Popen(child.argv, env=env, start_new_session=True)  # noqa: S603  # nosec B603
        say(
            "Started " + ", ".join(f"{c.name} (pid {c.process.pid})" for c in children if c.process)
        )
        while not stop_requested:
            ended = [
                (c.name, c.process.returncode)
                for c in children
                if c.process and c.process.poll() is not None
            ]
            if ended:
                say(f"{ended[0][0]} stopped (exit {ended[0][1]}); stopping all.")
                stop(children)
                return 1
            time.sleep(0.3)
        say("Stopping the web server, the worker and the demo traffic ...")
        stop(children)
        return 0
    finally:
        stop(children)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def stop(children: list[Child]) -> None:
    running = [c.process for c in children if c.process and c.process.poll() is None]
    for child in children:
        if child.process in running:
            _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for process in running:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            pass
    # Whatever is left in a group (the worker's beat process, a stuck child) is killed.
    for child in children:
        _signal_group(child, signal.SIGKILL)
        if child.process and child.process.poll() is None:
            child.process.wait()


def _signal_group(child: Child, sig: int) -> None:
    if child.process is None:
        return
    try:
        os.killpg(child.process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass

"""`manage.py run_demo` is the whole product on one machine: started as a new user starts it
(SQLite, no Redis, no environment), it lives without anyone touching it, and Ctrl+C stops
every process it started."""

# ruff: noqa: S608 -- table names come from our models, values from the demo: no input.
from __future__ import annotations

import fnmatch
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.conf import settings

from desk.classification.models import Incident
from desk.dashboards.models import TicketDay
from desk.models import Notification
from desk.sla.models import SlaEvent
from tickets.models import Message, Ticket

STARTUP_SECONDS = 300  # migrate and seed on a busy machine
LIVE_SECONDS = 120  # the promise: all of it within two minutes of serving
# Variables that would point the demo at services or elsewhere; a new user has none of them.
CLEARED = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "PUBLIC_BASE_URL",
    "DEMO_MODE",
    "EMBEDDED_BROKER_DIR",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Demo:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "run_demo.log"
        env = {k: v for k, v in os.environ.items() if k not in CLEARED}
        # Short intervals keep the test's wall time down; the code paths are the same.
        env.update(DEMO_TRAFFIC_SECONDS="1.5", DEMO_CRISIS_EVERY="40", PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                str(settings.BASE_DIR / "manage.py"),
                "run_demo",
                f"127.0.0.1:{self.port}",
                "--mentions",
                "30",
            ],
            cwd=folder,
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def child_pids(self) -> list[int]:
        return [int(pid) for pid in re.findall(r"\(pid (\d+)\)", self.output())]

    def query(self, sql: str) -> list[tuple[object, ...]]:
        uri = f"file:{self.folder / 'db.sqlite3'}?mode=ro"
        with sqlite3.connect(uri, uri=True, timeout=30) as db:
            return db.execute(sql).fetchall()

    def count(self, sql: str) -> int:
        rows = self.query(sql)
        return int(rows[0][0] or 0) if rows else 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # what Ctrl+C sends
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    running = Demo(tmp_path)
    try:
        yield running
    finally:
        running.stop()
        groups = {running.process.pid, *running.child_pids()}  # each started its own group
        deadline = time.monotonic() + 10
        while (leftovers := living_in(groups)) and time.monotonic() < deadline:
            time.sleep(0.5)
        for pid in leftovers:
            os.kill(pid, signal.SIGKILL)
        assert not leftovers, f"processes left running: {leftovers}\n{running.output()[-3000:]}"


def living_in(groups: set[int]) -> list[int]:
    """Processes of these process groups that still run (a killed one's zombie does not)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgid = fields[0], int(fields[2])
        if pgid in groups and state not in ("Z", "X"):
            found.append(int(stat.parent.name))
    return found


def wait_until_serving(demo: Demo) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert demo.process.poll() is None, demo.output()[-3000:]
        if "Started web" in demo.output():
            try:
                if requests.get(f"{demo.url}/-/ping", timeout=5).ok:
                    return
            except requests.ConnectionError:
                pass
        time.sleep(1)
    pytest.fail(f"run_demo did not serve within {STARTUP_SECONDS} s:\n{demo.output()[-3000:]}")


def login(demo: Demo, username: str) -> requests.Session:
    password = re.search(rf"{username}\s+(\S+)", demo.output())
    assert password, demo.output()[-3000:]
    session = requests.Session()
    session.get(f"{demo.url}/login/", timeout=30)
    response = session.post(
        f"{demo.url}/login/",
        data={
            "username": username,
            "password": password[1],
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{demo.url}/login/"},
        timeout=30,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:1000]
    return session


def test_the_demo_lives_on_its_own_and_ctrl_c_stops_everything(demo: Demo) -> None:
    wait_until_serving(demo)
    serving_since = time.monotonic()
    tickets, messages = Ticket._meta.db_table, Message._meta.db_table
    seeded_tickets = demo.count(f"SELECT max(id) FROM {tickets}")  # noqa: S608
    intro = demo.output()
    assert f"socialdesk is serving on {demo.url}/" in intro
    assert re.search(rf"{demo.url}/form/[\w-]+/", intro)
    assert f"{demo.url}/sandbox/" in intro
    for role in ("agent", "spokesperson", "manager", "admin"):
        assert re.search(rf"{role}\s+demo-{role}\s+\w{{12}}", intro)

    wanted = {
        "new mentions": f"SELECT count(*) FROM {messages} WHERE direction = 'in' "  # noqa: S608
        f"AND id IN (SELECT id FROM {messages} m WHERE EXISTS (SELECT 1 FROM {tickets} t "
        f"WHERE t.conversation_id = m.conversation_id AND t.id > {seeded_tickets}))",
        "SLA warning": f"SELECT count(*) FROM {SlaEvent._meta.db_table} WHERE kind = 'warning'",
        "SLA breach": f"SELECT count(*) FROM {SlaEvent._meta.db_table} WHERE kind = 'breach'",
        "warning notified": f"SELECT count(*) FROM {Notification._meta.db_table} "
        "WHERE kind = 'sla_warning'",
        "breach notified": f"SELECT count(*) FROM {Notification._meta.db_table} "
        "WHERE kind = 'sla_breach'",
        "crisis incident": f"SELECT count(*) FROM {Incident._meta.db_table} WHERE status = 'open'",
        "dashboards include new tickets": f"SELECT sum(tickets) FROM {TicketDay._meta.db_table} "
        f"HAVING sum(tickets) > {seeded_tickets}",
    }
    missing = set(wanted)
    while missing and time.monotonic() - serving_since < LIVE_SECONDS:
        assert demo.process.poll() is None, demo.output()[-3000:]
        missing = {name for name in missing if not demo.count(wanted[name])}
        time.sleep(2)
    assert not missing, f"not seen within {LIVE_SECONDS} s: {missing}\n{demo.output()[-3000:]}"

    # The inbox, over HTTP, lists a ticket opened after the seed.
    newest = demo.count(f"SELECT max(id) FROM {tickets}")  # noqa: S608
    assert newest > seeded_tickets
    admin = login(demo, "demo-admin")
    inbox = admin.get(f"{demo.url}/", timeout=30).text
    new_ids = {int(i) for i in re.findall(r"/tickets/(\d+)/", inbox)}
    assert any(i > seeded_tickets for i in new_ids), inbox[:2000]
    banner = admin.get(f"{demo.url}/", timeout=30).text
    assert "crisis" in banner.lower()

    demo.stop()
    assert demo.process.returncode == 0, demo.output()[-3000:]
    assert len(demo.child_pids()) == 3
    # What it wrote where it ran (a clone's root, for `make run`) is all ignored by git.
    written = {path.name for path in demo.folder.iterdir()} - {demo.log.name}
    assert {name for name in written if not ignored_by_git(name)} == set()


def ignored_by_git(name: str) -> bool:
    """Whether the repository's .gitignore ignores a file or folder of this name at its root."""
    patterns = (settings.BASE_DIR / ".gitignore").read_text().split()
    return any(fnmatch.fnmatch(name, pattern.strip("/")) for pattern in patterns)

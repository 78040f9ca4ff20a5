"""The manager dashboards at a million tickets in PostgreSQL: page p95 and CSV export speed.

python bench/dashboard.py [--tickets 1000000] [--seconds 20] [--reseed] [--screenshots]

Seeds (once; --reseed to start over) a year of tickets with SQL (bench/dashboard_seed.py),
rebuilds the rollups, then serves the app with gunicorn on 127.0.0.1:8709 (or BENCH_PORT) and
measures, beside the trivial view, the 90-day dashboard with and without filters (cached, and
uncached without a filter and with each single one), the metrics API, a rollup refresh after
1,000 ticket changes, and the streamed CSV of every ticket behind a number.
The database is BENCH_DATABASE_URL (default: socialdesk_bench_dashboards).
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from common import ROOT, bench_env, create_database, gunicorn, run_load, setup_django

# BENCH_PORT lets engineers sharing the machine each use their own port.
PORT = int(os.environ.get("BENCH_PORT", "8709"))
DATABASE = "postgres://postgres@127.0.0.1:5432/socialdesk_bench_dashboards"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--mentions", type=int, default=100_000, help="on monitored channels")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--screenshots", action="store_true", help="write docs/*.png")
    args = parser.parse_args()
    os.environ.setdefault("BENCH_DATABASE_URL", DATABASE)
    env = bench_env()
    if args.reseed:
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        os.system(f"psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS {name}'")  # noqa: S605
    create_database(env)
    setup_django()
    from django.db import connection, transaction

    from desk.dashboards import rollups
    from tickets.models import Ticket

    existing = Ticket.objects.count()
    if existing < args.tickets:
        with transaction.atomic(), connection.cursor() as cursor:
            seconds = _seed(cursor, args)
        print(
            f"seed: {args.tickets:,} tickets + {args.mentions:,} monitored mentions "
            f"in {seconds:.1f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        print(f"seed: reusing {existing:,} tickets")
    started = time.perf_counter()
    rollups.rebuild()
    print(f"rebuild_rollups (all days, from scratch): {time.perf_counter() - started:.1f} s")
    _refresh_after_changes()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    cookie = _manager_session()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    with gunicorn(env, port=PORT, workers=2) as address:
        _measure(address, cookie, args.seconds)
        _export(address, cookie)
        if args.screenshots:
            _screenshots(address, cookie)


def _seed(cursor: object, args: argparse.Namespace) -> float:
    from dashboard_seed import seed

    return seed(cursor, tickets=args.tickets, monitored_mentions=args.mentions)


def _refresh_after_changes() -> None:
    """1,000 tickets changed: created in the last two weeks (a busy minute), then anywhere
    in the year (the worst case, which falls back to a full rebuild), then the next minute's
    refresh, which finds the year's change in its overlap and must not take it in again.
    Open tickets are resolved and resolved ones reopened, so that a database kept from an
    earlier run still has tickets to change."""
    from django.db import connection
    from django.utils import timezone

    from desk.dashboards import rollups

    changes = (("in the last 14 days", "14 days"), ("over the year", "365 days"), ("", ""))
    for label, since in changes:
        changed = 0
        if since:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE tickets_ticket SET updated_at = now(), status = CASE "
                    "WHEN status IN ('open', 'new') THEN 'resolved' ELSE 'open' END "
                    "WHERE id IN (SELECT id FROM tickets_ticket WHERE status IN "
                    "('open', 'new', 'resolved') AND created_at > now() - %s::interval "
                    "ORDER BY random() LIMIT 1000)",
                    [since],
                )
                changed = cursor.rowcount
        started = time.perf_counter()
        result = rollups.refresh(now=timezone.now())
        how = "full rebuild" if result.rebuilt else f"{result.ticket_days} days recomputed"
        what = f"{changed:,} tickets changed {label}" if since else "nothing changed since"
        print(f"refresh after {what} ({how}): {time.perf_counter() - started:.2f} s")


def _manager_session() -> str:
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username="bench-manager")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def _filters() -> dict[str, str]:
    from django.contrib.auth import get_user_model

    from channels.models import Channel

    agent = get_user_model().objects.get(username="bench-agent-3").pk
    channel = Channel.objects.get(name="bench-channel-1").pk
    return {
        "90 days, no filter (cached)": "preset=90d",
        "90 days, one agent": f"preset=90d&agent={agent}",
        "90 days, channel+lang": f"preset=90d&channel={channel}&language=de",
        "30 days, no filter": "preset=30d",
    }


def _single_filters() -> dict[str, str]:
    from django.contrib.auth import get_user_model

    from channels.models import Channel
    from tickets.models import Queue

    agent = get_user_model().objects.get(username="bench-agent-3").pk
    # The busiest channel and queue of the seed: the most tickets behind one filter.
    channel = Channel.objects.get(name="bench-channel-0").pk
    queue = Queue.objects.order_by("pk").values_list("pk", flat=True)[0]
    return {
        "no filter": "",
        "one agent": f"&agent={agent}",
        "one channel": f"&channel={channel}",
        "one queue": f"&queue={queue}",
        "one language": "&language=de",
    }


def _cold_range(n: int) -> str:
    today = date.today()
    return f"from={today - timedelta(days=89 + n)}&to={today - timedelta(days=n)}"


def _measure(address: str, cookie: str, seconds: float) -> None:
    from common import trivial_view_load

    headers = {"Cookie": cookie}
    baseline = trivial_view_load(address, seconds=min(seconds, 5.0), concurrency=2)
    print(baseline.line("GET /-/ping (trivial view)"))
    for label, query in _filters().items():
        result = run_load(
            address,
            lambda n, q=query: ("GET", f"/dashboards/?{q}", None, headers),
            concurrency=1,
            seconds=seconds,
            expect=(200,),
        )
        print(
            result.line(f"dashboard {label}", baseline) + f"  p95 {result.percentile(0.95):6.1f} ms"
        )
    # A range ending on a different day each time: nothing cached, every figure computed;
    # without a filter and with each single filter.
    for label, extra in _single_filters().items():
        cold = run_load(
            address,
            lambda n, extra=extra: ("GET", f"/dashboards/?{_cold_range(n)}{extra}", None, headers),
            concurrency=1,
            seconds=seconds,
            expect=(200,),
        )
        print(
            cold.line(f"dashboard 90 days, uncached, {label}", baseline)
            + f"  p95 {cold.percentile(0.95):6.1f} ms"
        )
    api = run_load(
        address,
        lambda n: ("GET", "/api/v1/metrics/compliance_by_agent/?preset=90d", None, headers),
        concurrency=1,
        seconds=min(seconds, 10.0),
        expect=(200,),
    )
    print(
        api.line("API compliance_by_agent 90d", baseline) + f"  p95 {api.percentile(0.95):6.1f} ms"
    )


def _export(address: str, cookie: str) -> None:
    host, port = address.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    started = time.perf_counter()
    conn.request(
        "GET", "/dashboards/drilldown.csv?preset=90d&metric=tickets", headers={"Cookie": cookie}
    )
    response = conn.getresponse()
    first_byte = time.perf_counter() - started
    size = lines = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    print(
        f"CSV export, every ticket of 90 days: {lines - 1:,} rows, {size / 1e6:.1f} MB in "
        f"{elapsed:.1f} s ({(lines - 1) / elapsed:,.0f} rows/s, "
        f"first byte {first_byte * 1000:.0f} ms)"
    )


def _screenshots(address: str, cookie: str) -> None:
    from playwright.sync_api import sync_playwright

    docs = Path(ROOT) / "docs"
    docs.mkdir(exist_ok=True)
    name, value = cookie.split("=", 1)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        context.add_cookies([{"name": name, "value": value, "url": f"http://{address}"}])
        page = context.new_page()
        page.goto(f"http://{address}/dashboards/?preset=90d")
        page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length > 0")
        page.screenshot(path=str(docs / "dashboard-sla.png"))
        page.locator("h2", has_text="Volume and mood").scroll_into_view_if_needed()
        page.screenshot(path=str(docs / "dashboard-volume.png"))
        page.locator("#summary-table a").nth(3).click()
        page.wait_for_url("**/drilldown/**")
        page.screenshot(path=str(docs / "dashboard-drilldown.png"))
        browser.close()
    print("screenshots: docs/dashboard-sla.png, dashboard-volume.png, dashboard-drilldown.png")


if __name__ == "__main__":
    main()

"""Randomized ticket histories: the dashboard's figures, its CSV export and the drill-downs
equal a direct recomputation from the tickets, at the instant they are read.

Histories mix arrivals on a channel that sends (REST) and one that cannot (a webhook without
a reply URL, where every reply fails), public and holding replies, pauses, netiquette marks,
resolutions and reopenings. The recomputation reads the tickets in Python, and checks that the
first response is the first reply the platform accepted.
"""

import csv
import io
import itertools
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client, TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.models import Channel
from desk.outbound.services import Draft, send
from tests.conftest import mention_payload, post_json, signed_delivery
from tests.desk.sla_helpers import berlin
from tickets.models import IllegalTransition, Message, Ticket

pytestmark = pytest.mark.usefixtures("default_policy")
Status = Ticket.Status
STEPS = ("reply", "holding", "pause", "resume", "netiquette", "unmark", "resolve", "reopen")
FIGURES = ("sla", "met", "breached", "waiting", "ignored")

histories = st.lists(
    st.tuples(
        st.sampled_from(("api", "webhook")),
        st.integers(min_value=0, max_value=30),  # hours after the week's start
        st.lists(
            st.tuples(st.sampled_from(STEPS), st.integers(min_value=1, max_value=30)),
            max_size=5,
        ),
    ),
    min_size=1,
    max_size=5,
)
# Each example lives in its own three weeks, read as a date range of its own.
example_weeks = itertools.count()


def act(ticket: Ticket, step: str, manager: User) -> datetime | None:
    """Apply one step as staff would; returns when a reply was accepted, if one was."""
    ticket.refresh_from_db()
    if step in ("reply", "holding"):
        if ticket.status == Status.IGNORED:
            return None  # the composer is closed: no answer
        with TestCase.captureOnCommitCallbacks(execute=True):
            message = send(
                ticket=ticket,
                user=manager,
                draft=Draft(
                    text=f"Answer {step} {ticket.pk}", voice="company", is_holding=step == "holding"
                ),
            )
        message.refresh_from_db()
        return message.created_at if message.delivery_state == Message.Delivery.SENT else None
    moves = {
        "pause": Status.PENDING,
        "resume": Status.OPEN,
        "netiquette": Status.IGNORED,
        "unmark": Status.OPEN,
        "resolve": Status.RESOLVED,
        "reopen": Status.OPEN,
    }
    try:
        ticket.set_status(moves[step], actor=manager)
    except IllegalTransition:
        pass
    return None


def recompute(tickets: list[Ticket], now: datetime) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {name: set() for name in FIGURES}
    for t in tickets:
        if t.status == Status.IGNORED:
            found["ignored"].add(t.pk)
        if t.sla_policy_id is None or t.status == Status.IGNORED:
            continue
        found["sla"].add(t.pk)
        running = t.status in (Status.NEW, Status.OPEN)
        done = t.status in (Status.RESOLVED, Status.CLOSED)
        answered = t.first_responded_at is not None
        overdue = not answered and running and t.first_response_due_at <= now
        if t.first_response_breached or overdue:
            found["breached"].add(t.pk)
        elif answered or done:
            found["met"].add(t.pk)
        else:
            found["waiting"].add(t.pk)
        if answered and t.first_responded_at > t.first_response_due_at:
            assert t.first_response_breached, t.pk
    return found


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories)
def test_figures_csv_and_drilldowns_equal_a_recomputation_from_the_tickets(
    history: list[tuple[str, int, list[tuple[str, int]]]],
    api: Client,
    manager: User,
    manager_client: Client,
) -> None:
    start = berlin(2025, 1, 6, 9) + timedelta(weeks=3 * next(example_weeks))
    silent = Channel.objects.get_or_create(
        kind="webhook", name="Cannot send", defaults={"credentials": {"secret": "s3cret"}}
    )[0]
    accepted: dict[int, list[datetime]] = {}
    for n, (kind, offset, steps) in enumerate(history):
        at = start + timedelta(hours=offset)
        with time_machine.travel(at, tick=False):
            if kind == "api":
                body = {"text": "Where is my order?", "author": {"name": "Ann"}}
                ticket_id = post_json(api, "/api/v1/inquiries/", body).json()["ticket"]["id"]
            else:
                payload = mention_payload(f"{start:%Y%m%d}-{n}", "Hello?", author_id=f"a{n}")
                with TestCase.captureOnCommitCallbacks(execute=True):
                    signed_delivery(Client(), silent, payload, delivery=f"{start:%Y%m%d}-{n}")
                ticket_id = Ticket.objects.order_by("-id").values_list("pk", flat=True)[0]
        ticket = Ticket.objects.get(pk=ticket_id)
        accepted[ticket.pk] = []
        for step, gap in steps:
            at += timedelta(hours=gap)
            with time_machine.travel(at, tick=False):
                when = act(ticket, step, manager)
            if when is not None:
                accepted[ticket.pk].append(when)

    now = start + timedelta(days=16)
    last = (now - timedelta(days=2)).date()
    window = {"from": start.date().isoformat(), "to": last.isoformat()}
    with time_machine.travel(now, tick=False):
        summary = manager_client.get("/api/v1/metrics/summary/", window).json()["rows"]
        exported = csv_rows(manager_client.get("/dashboards/export/summary.csv", window))
        drilled = {
            name: {
                int(row[0])
                for row in csv_rows(
                    manager_client.get("/dashboards/drilldown.csv", {**window, "metric": name})
                )[1:]
            }
            for name in FIGURES
        }
    tickets = list(Ticket.objects.filter(pk__in=accepted))
    expected = recompute(tickets, now)

    for t in tickets:
        replies = accepted[t.pk]
        assert t.first_responded_at == (min(replies) if replies else None), t.pk
    figures = {row["key"]: row["value"] for row in summary}
    by_key = {row[0]: row for row in exported[1:]}
    for name in FIGURES:
        assert figures[name] == len(expected[name]), name
        assert int(by_key[name][2]) == len(expected[name]), name
        assert drilled[name] == expected[name], name
    decided = len(expected["met"]) + len(expected["breached"])
    compliance = round(100 * len(expected["met"]) / decided, 1) if decided else None
    assert figures["compliance"] == compliance

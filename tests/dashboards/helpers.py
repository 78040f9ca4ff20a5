import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

from tests.desk.sla_helpers import berlin, inquire
from tickets.models import Ticket

__all__ = [
    "berlin",
    "figures",
    "held_open_elsewhere",
    "inquire",
    "metrics",
    "rebuild",
    "reply",
    "set_status",
]


def metrics(client: Client, slug: str, **params: str) -> dict[str, dict[str, Any]]:
    """A metrics table from the API, rows keyed by their key."""
    response = client.get(f"/api/v1/metrics/{slug}/", params)
    assert response.status_code == 200, response.content
    return {row["key"]: row for row in response.json()["rows"]}


def figures(client: Client, **params: str) -> dict[str, Any]:
    return {key: row["value"] for key, row in metrics(client, "summary", **params).items()}


def reply(client: Client, ticket_id: int, when: datetime, *, holding: bool = False) -> None:
    with time_machine.travel(when, tick=False):
        data = {"text": "We are on it." if holding else "Here is the answer.", "voice": "company"}
        if holding:
            data["holding"] = "1"
        response = client.post(f"/tickets/{ticket_id}/reply/", data)
    assert response.status_code == 302


def set_status(ticket_id: int, status: str, when: datetime) -> None:
    with time_machine.travel(when, tick=False):
        Ticket.objects.get(pk=ticket_id).set_status(status)


def rebuild() -> None:
    call_command("rebuild_rollups", verbosity=0)


@contextmanager
def held_open_elsewhere(work: Callable[[], object]) -> Iterator[threading.Event]:
    """`work` done in a transaction of another connection, kept open (its rows unseen, its
    locks held) while the block runs and committed after it. Yields an event set once
    committed. Needs transactional_db: the test's own writes must be committed to be seen."""
    done, go_on, committed = threading.Event(), threading.Event(), threading.Event()

    def run() -> None:
        try:
            with transaction.atomic():
                work()
                done.set()
                go_on.wait(timeout=15)
            committed.set()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert done.wait(timeout=10)
    try:
        yield committed
    finally:
        go_on.set()
        thread.join()

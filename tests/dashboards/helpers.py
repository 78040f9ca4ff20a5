from datetime import datetime
from typing import Any

import time_machine
from django.core.management import call_command
from django.test import Client

from tests.desk.sla_helpers import berlin, inquire
from tickets.models import Ticket

__all__ = ["berlin", "figures", "inquire", "metrics", "rebuild", "reply", "set_status"]


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

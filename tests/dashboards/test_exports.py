"""CSV exports: every table, and every ticket behind a number, streamed without a row cap."""

import csv
import io
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from desk.dashboards.tasks import send_weekly_sla_summary
from tests.conftest import post_json
from tests.dashboards.helpers import berlin, inquire, metrics, rebuild, reply

pytestmark = pytest.mark.usefixtures("default_policy")
RANGE = {"from": "2026-11-01", "to": "2026-11-30"}


def rows_of(response: Any) -> list[list[str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_the_tickets_behind_a_number_export_past_any_page_size(
    api: Client, manager_client: Client
) -> None:
    with time_machine.travel(berlin(2026, 11, 23, 10), tick=False):
        for n in range(60):
            post_json(api, "/api/v1/inquiries/", {"text": f"Question {n}", "author": {"name": "A"}})

    response = manager_client.get("/dashboards/drilldown.csv", {**RANGE, "metric": "tickets"})

    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert rows[0][:3] == ["id", "created_at", "channel"]
    assert len(rows) == 61


def test_a_table_export_has_the_figures_of_the_api(api: Client, manager_client: Client) -> None:
    ticket = inquire(api, berlin(2026, 11, 23, 10))["ticket"]["id"]
    reply(manager_client, ticket, berlin(2026, 11, 23, 12))
    rebuild()

    rows = rows_of(manager_client.get("/dashboards/export/compliance_by_channel.csv", RANGE))
    api_rows = metrics(manager_client, "compliance_by_channel", **RANGE)

    header, (row,) = rows[0], rows[1:]
    assert header[:4] == ["key", "Channel", "With SLA", "Met"]
    assert row[2:4] == ["1", "1"]
    assert int(row[3]) == api_rows[row[0]]["met"]


def test_text_that_looks_like_a_formula_is_defused_in_exports(
    api: Client, manager_client: Client
) -> None:
    inquire(api, berlin(2026, 11, 23, 10), text='=HYPERLINK("http://evil.example")')

    rows = rows_of(manager_client.get("/dashboards/drilldown.csv", {**RANGE, "metric": "tickets"}))

    assert rows[1][-1].startswith("'=HYPERLINK")


def test_the_weekly_summary_mails_last_weeks_figures_to_managers_once(
    api: Client, manager_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = inquire(api, berlin(2026, 11, 23, 10))["ticket"]["id"]
    reply(manager_client, ticket, berlin(2026, 11, 23, 12))
    rebuild()

    with time_machine.travel(berlin(2026, 11, 30, 7), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            send_weekly_sla_summary.apply()
            send_weekly_sla_summary.apply()

    (message,) = mail.outbox
    assert message.to == ["maria@example.org"]
    assert "2026-W48" in message.subject and "100.0%" in message.subject
    assert "First response met: 1" in message.body
    assert "Netiquette-ignored (not in %): 0" in message.body
    assert "from=2026-11-23&to=2026-11-29" in message.body

"""What a webhook acknowledgement costs, and that what it caches follows the channel."""

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from channels.models import Channel, InboundEvent
from tests.channels.conftest import run_command
from tests.conftest import mention_payload, signed_delivery, skip_or_fail
from tests.fakes.partner import FakePartner
from tests.test_celery_worker import database_url
from tickets.models import Message, Ticket

ROOT = Path(__file__).resolve().parents[2]


def deliver(channel: Channel, delivery: str, *, secret: str = "s3cret") -> Any:
    payload = mention_payload(f"post-{delivery}", "Where is my parcel?", author_id=delivery)
    return signed_delivery(Client(), channel, payload, delivery=delivery, secret=secret)


def test_a_delivery_to_a_known_channel_costs_one_insert(
    webhook_channel: Channel, django_assert_max_num_queries: Any
) -> None:
    deliver(webhook_channel, "d1")

    with django_assert_max_num_queries(1) as captured:
        response = deliver(webhook_channel, "d2")

    assert response.json()["status"] == "stored"
    assert inserted_statement(captured.captured_queries[0]["sql"]).startswith(
        'INSERT INTO "channels_inboundevent"'
    )
    assert InboundEvent.objects.filter(delivery_id="d2").exists()


def inserted_statement(sql: str) -> str:
    """The statement itself: on PostgreSQL the one prepared on this connection that ran."""
    if not sql.startswith("EXECUTE "):
        return sql
    name = sql.split()[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        (statement,) = cursor.fetchone()
    return str(statement).split(" AS ", 1)[1]


def test_a_delivery_is_a_prepared_statement_on_postgresql_and_survives_a_new_connection(
    transactional_db: None, webhook_channel: Channel
) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("prepared statements are PostgreSQL's")
    deliver(webhook_channel, "d1")
    # (Committed here, so the eager processing of the event follows the INSERT.)
    with CaptureQueriesContext(connection) as captured:
        deliver(webhook_channel, "d2")
    assert captured.captured_queries[0]["sql"].startswith("EXECUTE ")

    # A new server session knows no prepared statement: the delivery prepares it again.
    connection.close()
    assert deliver(webhook_channel, "d3").json()["status"] == "stored"
    assert deliver(webhook_channel, "d3").json()["status"] == "duplicate"
    assert set(InboundEvent.objects.values_list("delivery_id", flat=True)) == {"d1", "d2", "d3"}


def test_prepared_statements_can_be_turned_off_for_a_pooler(
    webhook_channel: Channel, settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.PREPARED_STATEMENTS = False
    deliver(webhook_channel, "d1")
    with django_assert_max_num_queries(1) as captured:
        assert deliver(webhook_channel, "d2").json()["status"] == "stored"
    assert captured.captured_queries[0]["sql"].startswith('INSERT INTO "channels_inboundevent"')


def test_a_replayed_delivery_costs_one_statement_and_stores_nothing(
    webhook_channel: Channel, django_assert_max_num_queries: Any
) -> None:
    deliver(webhook_channel, "d1")

    with django_assert_max_num_queries(1):
        replay = deliver(webhook_channel, "d1")

    assert replay.json()["status"] == "duplicate"
    assert InboundEvent.objects.count() == 1


def test_last_success_is_written_at_most_once_a_minute(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    def delivered(delivery: str) -> None:
        # Committed, as in production: the channel is marked working once its event is.
        with django_capture_on_commit_callbacks(execute=True):
            deliver(webhook_channel, delivery)

    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        delivered("d1")
        clock.shift(timedelta(seconds=59))
        delivered("d2")
        webhook_channel.refresh_from_db()
        assert webhook_channel.last_success_at == start

        clock.shift(timedelta(seconds=2))
        delivered("d3")
        webhook_channel.refresh_from_db()
        assert webhook_channel.last_success_at == start + timedelta(seconds=61)
    assert InboundEvent.objects.count() == 3


def test_a_changed_secret_applies_to_the_next_delivery(webhook_channel: Channel) -> None:
    assert deliver(webhook_channel, "d1").status_code == 200

    run_command("channel", "set", webhook_channel.name, "--set", "secret=rotated")

    assert deliver(webhook_channel, "d2").status_code == 403
    assert deliver(webhook_channel, "d3", secret="rotated").status_code == 200


def test_a_channel_disabled_by_a_revoked_credential_refuses_the_next_delivery(
    webhook_channel: Channel,
    partner: FakePartner,
    reply_to: Callable[[Ticket, str], Message],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(webhook_channel, "d1").status_code == 200
    partner.fail_next("/replies", 401)

    reply_to(Ticket.objects.get(), "We are looking into it.")

    refused = deliver(webhook_channel, "d2")
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "unknown_channel"
    webhook_channel.refresh_from_db()
    assert not webhook_channel.is_active


def test_a_deleted_channel_refuses_the_next_delivery(webhook_channel: Channel) -> None:
    # A wrongly signed delivery reads (and caches) the channel but stores nothing.
    assert deliver(webhook_channel, "d1", secret="wrong").status_code == 403
    webhook_channel.delete()

    assert deliver(webhook_channel, "d2").status_code == 404


def test_a_change_made_by_another_process_applies_to_the_next_delivery(
    transactional_db: None, partner: FakePartner
) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL): processes learn of changes by NOTIFY")
    channel = Channel.objects.create(
        kind="webhook", name="Partner webhook", credentials={"secret": "s3cret"}
    )
    assert deliver(channel, "d1").status_code == 200

    subprocess.run(
        [sys.executable, "manage.py", "channel", "set", channel.name, "--set", "secret=rotated"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url()},
        check=True,
        capture_output=True,
    )

    assert deliver(channel, "d2").status_code == 403
    assert deliver(channel, "d3", secret="rotated").status_code == 200


@pytest.mark.parametrize("path", ["/hooks/unknown-token/", "/api/v1/inquiries/"])
def test_machine_requests_carry_the_security_headers_and_no_cookie(db: None, path: str) -> None:
    response = Client().post(path, data=b"{}", content_type="application/json")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")

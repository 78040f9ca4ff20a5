"""The adapter framework: registry, HTTP client, tracked terms, polling locks, sweeper."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from channels.adapters.base import AdapterError
from channels.models import Channel
from channels.registry import ADAPTERS, adapter_class
from channels.services import create_channel
from channels.tasks import poll_channel, poll_due_channels, sweep_queued_deliveries
from channels.terms import expand_terms
from tests.channels.adapters.test_mastodon import TOKEN
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.server import FakePlatform, Request, Response
from tickets.models import Message

TESTS = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("kind", list(ADAPTERS))
def test_every_kind_has_recorded_payloads_and_tests(kind: str) -> None:
    fixtures = list((TESTS / "fixtures" / kind).glob("*__*.*"))
    assert fixtures, f"tests/fixtures/{kind}/ needs <event>__<variant> payloads"
    test_module = TESTS / "channels" / "adapters" / f"test_{kind}.py"
    assert test_module.exists(), f"{test_module} is missing"
    assert f'"{kind}"' in test_module.read_text() or kind in ("api", "webhook")


@pytest.mark.parametrize("kind", list(ADAPTERS))
def test_every_kind_describes_itself(kind: str) -> None:
    adapter = adapter_class(kind)
    assert adapter.label
    assert all(f.name and f.label for f in adapter.config_fields)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 5, 4), ["#iico2026", "infopark"]),
        (date(2026, 1, 15), ["#iico2026", "#iico2025", "infopark"]),
    ],
)
def test_year_templates_expand_to_this_year_and_last_year_in_january(
    today: date, expected: list[str]
) -> None:
    assert expand_terms(["#iico{year}", "infopark", "InfoPark"], today=today) == expected


class Echo(FakePlatform):
    def handle(self, request: Request) -> Response:
        return Response(200, {"ok": True})


def test_the_http_client_refuses_private_addresses(settings: Any) -> None:
    from channels import http

    settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = []
    with Echo().running() as fake, pytest.raises(AdapterError, match="non-public address"):
        http.request("GET", fake.url)
    assert not fake.requests


def test_a_post_without_idempotency_key_is_not_retried_after_a_500() -> None:
    from channels import http

    with Echo().running() as fake:
        fake.fail_next("/", 500, times=3)
        with pytest.raises(AdapterError, match="500"):
            http.request("POST", f"{fake.url}/statuses", json_body={})
        assert len(fake.requests) == 1


def test_a_429_with_an_http_date_retry_after_is_honoured() -> None:
    from email.utils import format_datetime

    from channels import http

    with Echo().running() as fake:
        fake.fail_next("/", 429, retry_after=format_datetime(timezone.now(), usegmt=True))
        assert http.request("GET", fake.url).json() == {"ok": True}
        assert len(fake.requests) == 2


@pytest.fixture
def mastodon_channel(db: None) -> Any:
    with FakeMastodon().running() as fake:
        yield (
            fake,
            create_channel(
                kind="mastodon",
                name="Mastodon",
                values={"instance_url": fake.url, "access_token": TOKEN},
            ),
        )


def test_a_channel_another_worker_is_polling_is_not_polled_twice(mastodon_channel: Any) -> None:
    fake, channel = mastodon_channel
    Channel.objects.filter(pk=channel.pk).update(
        poll_lease_until=timezone.now() + timedelta(minutes=5), poll_lease_token="other"
    )

    assert poll_channel.apply(args=(channel.pk,)).get() == "busy"
    assert not fake.requests


def test_the_lease_of_a_crashed_worker_runs_out(mastodon_channel: Any) -> None:
    fake, channel = mastodon_channel
    Channel.objects.filter(pk=channel.pk).update(
        poll_lease_until=timezone.now() - timedelta(seconds=1), poll_lease_token="dead"
    )

    assert poll_channel.apply(args=(channel.pk,)).get() == "polled"
    channel.refresh_from_db()
    assert channel.poll_lease_token == ""
    assert channel.health == "ok"


def test_a_poll_of_one_page_writes_its_channel_three_times(mastodon_channel: Any) -> None:
    fake, channel = mastodon_channel

    with CaptureQueriesContext(connection) as queries:
        assert poll_channel.apply(args=(channel.pk,)).get() == "polled"

    writes = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "channels_channel"')]
    # The lease, the cursor with the page, then the outcome with the lease given back.
    assert len(writes) == 3, writes
    channel.refresh_from_db()
    assert channel.poll_lease_token == "" and channel.poll_lease_until is None
    assert channel.consecutive_failures == 0 and channel.last_success_at is not None


def test_a_failed_poll_gives_the_lease_back_with_its_error(mastodon_channel: Any) -> None:
    fake, channel = mastodon_channel
    fake.fail_next("/api/v1/notifications", 503, times=50)

    assert poll_channel.apply(args=(channel.pk,)).get() == "failed"

    channel.refresh_from_db()
    assert channel.poll_lease_token == "" and channel.poll_lease_until is None
    assert channel.consecutive_failures == 1 and channel.last_error


def test_beat_polls_only_active_channels_whose_interval_passed(mastodon_channel: Any) -> None:
    fake, channel = mastodon_channel
    later = create_channel(
        kind="mastodon", name="Later", values={"instance_url": fake.url, "access_token": TOKEN}
    )
    Channel.objects.filter(pk=later.pk).update(next_poll_at=timezone.now() + timedelta(hours=1))

    assert poll_due_channels.apply().get() == 1
    assert poll_due_channels.apply().get() == 0  # claimed: not handed out twice
    channel.refresh_from_db()
    assert channel.last_success_at is not None


def test_replies_left_queued_are_delivered_by_the_sweeper(api: Any, staff_client: Any) -> None:
    from tests.conftest import post_json
    from tickets.models import Ticket

    post_json(api, "/api/v1/inquiries/", {"text": "Hello?", "author": {"name": "Ann"}})
    # Redis was down when the agent answered: the message was stored, its task lost (a plain
    # client runs nothing after the request's commit).
    lost = Client()
    lost.cookies = staff_client.cookies
    lost.post(f"/tickets/{Ticket.objects.get().pk}/reply/", {"text": "Hi Ann.", "voice": "company"})
    reply = Message.objects.get(direction="out", text="Hi Ann.")
    assert reply.delivery_state == "queued"
    Message.objects.filter(pk=reply.pk).update(created_at=timezone.now() - timedelta(hours=1))

    assert sweep_queued_deliveries.apply().get() == 1

    reply.refresh_from_db()
    assert reply.delivery_state == "sent"


def test_credentials_are_encrypted_at_rest(db: None) -> None:
    channel = create_channel(kind="webhook", name="Partner", values={"secret": "very-secret-value"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM channels_channel WHERE id = %s", [channel.pk])
        stored = cursor.fetchone()[0]
    assert "very-secret-value" not in stored
    assert Channel.objects.get().credentials == {"secret": "very-secret-value"}

"""The periodic health checks warn whoever looks after the channels once per problem, in the
notification centre, and record when the problem is over."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from channels.models import Channel
from channels.platforms.models import HealthCondition
from channels.services import create_channel, update_channel
from channels.tasks import check_channel_health, check_delivery_rhythm
from desk.models import Notification
from tests.channels.conftest import run_command
from tests.conftest import mention_payload, signed_delivery
from tests.fakes.meta import PAGE_ID, FakeGraph
from tests.fakes.x import ACCOUNT_ID, CONSUMER_SECRET, TOKEN, FakeX

PERMISSION_WARNING = "Channel Facebook page lacks permissions: pages_messaging"


def titles(user: str) -> list[str]:
    return list(
        Notification.objects.filter(user__username=user, kind="channel_alert")
        .order_by("id")
        .values_list("title", flat=True)
    )


def test_a_missing_permission_warns_a_manager_once_in_the_notification_centre(
    meta_channel: Channel, graph: FakeGraph, manager_client: Client
) -> None:
    graph.permissions["pages_messaging"] = "declined"

    check_channel_health.apply()
    check_channel_health.apply()

    assert titles("mia") == [PERMISSION_WARNING]
    centre = manager_client.get("/notifications/", {"category": "channels"}).content.decode()
    assert PERMISSION_WARNING in centre


def test_a_permission_granted_again_clears_the_warning_and_says_so_once(
    meta_channel: Channel, graph: FakeGraph, manager_client: Client
) -> None:
    graph.permissions["pages_messaging"] = "declined"
    check_channel_health.apply()
    graph.permissions["pages_messaging"] = "granted"

    check_channel_health.apply()
    check_channel_health.apply()

    assert titles("mia") == [PERMISSION_WARNING, f"Resolved: {PERMISSION_WARNING}"]
    condition = HealthCondition.objects.get()
    assert condition.cleared_at is not None
    assert "pages_messaging" in Channel.objects.get(pk=meta_channel.pk).config["granted_scopes"]


def test_a_permission_lost_again_later_warns_again(
    meta_channel: Channel, graph: FakeGraph, manager_client: Client
) -> None:
    for status in ("declined", "granted", "declined"):
        graph.permissions["pages_messaging"] = status
        check_channel_health.apply()

    assert titles("mia") == [PERMISSION_WARNING, f"Resolved: {PERMISSION_WARNING}"] + [
        PERMISSION_WARNING
    ]


def test_agents_are_not_warned_about_channels(
    meta_channel: Channel, graph: FakeGraph, staff_client: Client
) -> None:
    graph.permissions["pages_messaging"] = "declined"

    check_channel_health.apply()

    assert titles("agent") == []


def test_a_page_whose_app_subscription_was_removed_warns_once(
    meta_channel: Channel, graph: FakeGraph, manager_client: Client
) -> None:
    graph.subscribed_fields = {}

    check_channel_health.apply()
    check_channel_health.apply()

    assert titles("mia") == [
        f"Channel Facebook page lacks webhook subscriptions: {PAGE_ID}:feed, {PAGE_ID}:messages, "
        f"{PAGE_ID}:mention"
    ]


def test_a_platform_down_during_the_check_changes_no_warning(
    meta_channel: Channel, graph: FakeGraph, manager_client: Client
) -> None:
    graph.permissions["pages_messaging"] = "declined"
    check_channel_health.apply()
    graph.permissions["pages_messaging"] = "granted"
    graph.fail_next("/", 503, times=10)

    counts = check_channel_health.apply().get()

    assert counts["unreachable"] == 1
    assert HealthCondition.objects.get().cleared_at is None
    assert titles("mia") == [PERMISSION_WARNING]


@pytest.fixture
def x() -> Iterator[FakeX]:
    with FakeX().running() as fake:
        yield fake


@pytest.fixture
def x_channel(db: None, x: FakeX) -> Channel:
    x.webhooks["77"] = {"id": "77", "url": "https://desk.example/hooks/x", "valid": True}
    x.subscriptions["1"] = {
        "subscription_id": "1",
        "event_type": "post.mention.create",
        "filter": {"user_id": ACCOUNT_ID},
        "webhook_id": "77",
        "tag": "",
    }
    values = {
        "account_id": ACCOUNT_ID,
        "handle": "infopark",
        "api_url": x.url,
        "consumer_secret": CONSUMER_SECRET,
        "access_token": TOKEN,
        "webhook_id": "77",
    }
    return create_channel(kind="x", name="X", values=values)


def test_x_activity_subscriptions_missing_are_warned_and_cleared_once_subscribed(
    x_channel: Channel, manager_client: Client
) -> None:
    check_channel_health.apply()
    warning = titles("mia")[0]
    assert warning.startswith("Channel X lacks webhook subscriptions: post.reply.create, ")
    assert "post.mention.create" not in warning
    page = manager_client.get("/channels/").content.decode()
    assert "Missing webhook subscriptions: post.reply.create, post.quote.create" in page

    run_command("x_activity", "subscribe", x_channel.name)
    check_channel_health.apply()

    assert titles("mia") == [warning, f"Resolved: {warning}"]
    assert (
        "All 8 webhook subscriptions in place" in manager_client.get("/channels/").content.decode()
    )


def test_an_x_channel_without_a_webhook_has_no_subscriptions_to_check(
    x_channel: Channel, x: FakeX, manager_client: Client
) -> None:
    update_channel(channel=x_channel, values={"webhook_id": ""})

    check_channel_health.apply()

    assert titles("mia") == []
    assert not x.calls("/2/activity/subscriptions")


def test_a_token_renewed_after_the_warning_clears_it(
    meta_channel: Channel, manager_client: Client
) -> None:
    soon = (timezone.now() + timedelta(days=3)).date().isoformat()
    update_channel(channel=meta_channel, values={"token_expires_at": soon})
    check_channel_health.apply()
    later = (timezone.now() + timedelta(days=60)).date().isoformat()
    update_channel(channel=meta_channel, values={"token_expires_at": later})

    check_channel_health.apply()

    warning = f"The token of channel Facebook page expires on {soon}"
    assert titles("mia") == [warning, f"Resolved: {warning}"]


QUIET_WARNING = "Channel Partner webhook is quiet for 3\xa0hours, usually every 4\xa0minutes"


def test_a_webhook_gone_quiet_warns_once_and_clears_when_deliveries_resume(
    webhook_channel: Channel,
    deliveries: Callable[..., None],
    manager_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    deliveries(
        webhook_channel,
        count=40,
        every=timedelta(minutes=4),
        last=timezone.now() - timedelta(hours=3, minutes=5),
    )
    check_delivery_rhythm.apply()
    check_delivery_rhythm.apply()
    assert titles("mia") == [QUIET_WARNING]

    with django_capture_on_commit_callbacks(execute=True):
        answer = signed_delivery(
            Client(), webhook_channel, mention_payload("p1", "Hello?"), delivery="after-silence"
        )
    assert answer.status_code < 300
    check_delivery_rhythm.apply()

    assert titles("mia") == [QUIET_WARNING, f"Resolved: {QUIET_WARNING}"]
    assert HealthCondition.objects.get().cleared_at is not None


def test_a_silence_no_longer_than_the_nightly_one_is_not_a_warning(
    webhook_channel: Channel, deliveries: Callable[..., None], manager_client: Client
) -> None:
    now = timezone.now()
    # Busy days with a ten-hour night between them; now eight hours into tonight.
    deliveries(webhook_channel, count=60, every=timedelta(minutes=4), last=now - timedelta(hours=8))
    deliveries_the_day_before = now - timedelta(hours=8, minutes=4 * 60 + 600)
    deliveries(
        webhook_channel, count=60, every=timedelta(minutes=4), last=deliveries_the_day_before
    )

    check_delivery_rhythm.apply()

    assert titles("mia") == []


def test_beat_runs_both_checks_and_the_rhythm_one_often() -> None:
    # The same schedule runs in production's beat and in `make run`'s embedded worker.
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["channels.tasks.check_delivery_rhythm"] <= 600
    assert schedule["channels.tasks.check_channel_health"] == settings.HEALTH_CHECK_SECONDS


def test_each_recipient_reads_the_warning_and_its_resolution_in_their_language(
    meta_channel: Channel, graph: FakeGraph, manager_client: Client
) -> None:
    manager_client.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})
    graph.permissions["pages_messaging"] = "declined"
    check_channel_health.apply()
    graph.permissions["pages_messaging"] = "granted"
    check_channel_health.apply()

    warning = "Dem Kanal Facebook page fehlen Berechtigungen: pages_messaging"
    assert titles("mia") == [warning, f"Gelöst: {warning}"]
    body = Notification.objects.filter(user__username="mia").order_by("id")[0].body
    assert body == "pages_messaging: Messenger-Unterhaltungen lesen und beantworten."

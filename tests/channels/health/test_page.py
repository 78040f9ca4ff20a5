"""The channels page and a channel's health page show each health fact, from what the
periodic check stored (the pages themselves never call a platform)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from channels.models import Channel
from channels.platforms.models import QuotaUsage
from channels.services import create_channel, update_channel
from channels.tasks import check_channel_health, check_delivery_rhythm
from tests.fakes.meta import PAGE_ID, FakeGraph
from tests.fakes.youtube import CHANNEL_ID, CLIENT_ID, CLIENT_SECRET, REFRESH, FakeYouTube


def shown(client: Client, url: str = "/channels/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    # Durations keep their number and unit together with a no-break space.
    return response.content.decode().replace("\xa0", " ")


def test_the_token_expiry_shows_the_date_the_days_left_and_that_it_cannot_be_renewed(
    meta_channel: Channel, staff_client: Client
) -> None:
    ends = timezone.now() + timedelta(days=3, hours=2)
    update_channel(channel=meta_channel, values={"token_expires_at": ends.isoformat()})

    page = shown(staff_client)

    assert f"Token expires {timezone.localtime(ends):%m/%d/%Y} (in 3 days)" in page
    assert "cannot be renewed: connect again" in page


def test_the_token_expiry_is_said_once_on_each_page(
    meta_channel: Channel, staff_client: Client
) -> None:
    ends = timezone.now() + timedelta(days=3, hours=2)
    update_channel(channel=meta_channel, values={"token_expires_at": ends.isoformat()})

    for url in ("/channels/", f"/channels/{meta_channel.pk}/"):
        page = shown(staff_client, url).lower()
        assert page.count("token expires") == 1, url


def test_channel_list_prints_the_token_expiry(meta_channel: Channel) -> None:
    ends = timezone.now() + timedelta(days=3, hours=2)
    update_channel(channel=meta_channel, values={"token_expires_at": ends.isoformat()})
    output = StringIO()

    call_command("channel", "list", stdout=output)

    assert (
        f"token expires: {timezone.localtime(ends):%Y-%m-%d %H:%M} (in 3 days), "
        "cannot be renewed: connect again"
    ) in output.getvalue()


def test_permissions_are_unknown_until_the_platform_was_asked(
    meta_channel: Channel, staff_client: Client
) -> None:
    assert "Granted permissions not known yet" in shown(staff_client)


def test_needed_permissions_show_why_and_the_missing_ones_stand_out(
    meta_channel: Channel, graph: FakeGraph, staff_client: Client
) -> None:
    graph.permissions["pages_messaging"] = "declined"

    check_channel_health.apply()

    assert "Missing permissions: pages_messaging" in shown(staff_client)
    detail = shown(staff_client, f"/channels/{meta_channel.pk}/")
    assert (
        '<tr class="scope problem"><td><code>pages_messaging</code></td>'
        "<td>Read and answer Messenger conversations.</td><td>missing</td></tr>"
    ) in detail
    assert (
        "<td><code>pages_manage_engagement</code></td>"
        "<td>Reply to comments and hide them.</td><td>granted</td>"
    ) in detail
    # Instagram's permissions are needed only by a channel with an Instagram account.
    assert "instagram_manage_comments" not in detail


def test_all_permissions_granted_is_said_in_one_line(
    meta_channel: Channel, staff_client: Client
) -> None:
    check_channel_health.apply()

    assert "All 6 needed permissions are granted" in shown(staff_client)


def test_a_missing_webhook_subscription_is_shown_beside_the_ones_in_place(
    meta_channel: Channel, graph: FakeGraph, staff_client: Client
) -> None:
    graph.subscribed_fields = {PAGE_ID: ["feed"]}

    check_channel_health.apply()

    assert f"Missing webhook subscriptions: {PAGE_ID}:messages, {PAGE_ID}:mention" in shown(
        staff_client
    )
    detail = shown(staff_client, f"/channels/{meta_channel.pk}/")
    assert f"<li><code>{PAGE_ID}:feed</code>: in place</li>" in detail
    assert f'<li class="problem"><code>{PAGE_ID}:messages</code>: missing</li>' in detail


def test_a_platform_that_refuses_the_check_is_shown_with_its_reason_escaped(
    meta_channel: Channel, graph: FakeGraph, staff_client: Client
) -> None:
    graph.token = "a-token-after-the-app-was-removed"

    check_channel_health.apply()

    page = shown(staff_client)
    assert "The last check could not ask the platform:" in page
    assert "Meta rejected the page token (OAuthException 190)" in page
    assert "The platform refused the health check of channel Facebook page" in page


def test_a_silent_webhook_is_compared_with_its_usual_rate(
    webhook_channel: Channel, deliveries: Callable[..., None], staff_client: Client
) -> None:
    deliveries(
        webhook_channel,
        count=40,
        every=timedelta(minutes=4),
        last=timezone.now() - timedelta(hours=3, minutes=5),
    )
    check_delivery_rhythm.apply()

    page = shown(staff_client)

    assert '<li class="fact-rhythm problem">Quiet for 3 hours, usually every 4 minutes</li>' in page


def test_a_webhook_delivering_as_usual_is_not_marked(
    webhook_channel: Channel, deliveries: Callable[..., None], staff_client: Client
) -> None:
    deliveries(
        webhook_channel,
        count=40,
        every=timedelta(minutes=4),
        last=timezone.now() - timedelta(minutes=2),
    )
    check_delivery_rhythm.apply()

    # Said as a fact, not as a silence: "quiet" is for the silence that is unusual.
    fact = '<li class="fact-rhythm">Last delivery 2 minutes ago, usually every 4 minutes</li>'
    assert fact in shown(staff_client)
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    german = "2 Minuten seit der letzten Zustellung, sonst alle 4 Minuten"
    assert german in shown(staff_client)


def test_a_webhook_with_few_deliveries_has_no_usual_rate_yet(
    webhook_channel: Channel, deliveries: Callable[..., None], staff_client: Client
) -> None:
    deliveries(
        webhook_channel, count=3, every=timedelta(hours=1), last=timezone.now() - timedelta(hours=2)
    )
    check_delivery_rhythm.apply()

    page = shown(staff_client)

    assert "Last delivery 2 hours ago; too few deliveries yet to know the usual rate" in page


def test_a_webhook_channel_without_deliveries_says_so(
    webhook_channel: Channel, staff_client: Client
) -> None:
    assert "No delivery yet" in shown(staff_client)


@pytest.fixture
def youtube() -> Iterator[FakeYouTube]:
    with FakeYouTube().running() as fake:
        yield fake


def test_quota_used_today_is_shown_against_the_daily_limit(
    db: None, youtube: FakeYouTube, poll: Callable[[Channel], str], staff_client: Client
) -> None:
    channel = create_channel(
        kind="youtube",
        name="YouTube",
        values={
            "channel_id": CHANNEL_ID,
            "api_url": youtube.url,
            "token_url": f"{youtube.url}/token",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH,
        },
        tracked_terms=["#iico{year}"],
    )
    poll(channel)
    used = QuotaUsage.objects.get(channel=channel).units

    page = shown(staff_client)

    assert used > 0
    assert f"Quota today: {used} of 10,000 units ({round(used / 100)} %), Pacific time" in page
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    german = shown(staff_client)
    assert "Kontingent heute: " in german and " von 10.000 Einheiten" in german


def test_the_health_page_of_a_channel_lists_its_resolved_warnings(
    meta_channel: Channel, graph: FakeGraph, staff_client: Client, settings: Any
) -> None:
    graph.subscribed_fields = {PAGE_ID: []}
    check_channel_health.apply()
    graph.subscribed_fields = {PAGE_ID: ["feed", "messages", "mention"]}
    check_channel_health.apply()

    detail = shown(staff_client, f"/channels/{meta_channel.pk}/")

    assert '<tr class="resolved"><td>Channel Facebook page lacks webhook subscriptions:' in detail


@pytest.mark.parametrize(
    ("language", "usual_every", "expected"),
    [
        # The duration is a noun phrase in the nominative: "vor 2 Tage" was wrong German, as
        # "od 1 godzina" is wrong Polish.
        ("de", None, "2 Tage seit der letzten Zustellung"),
        ("de", timedelta(minutes=4), "Still: 2 Tage ohne Zustellung, sonst alle 4 Minuten"),
        ("pl", None, "2 dni od ostatniej dostawy"),
        ("pl", timedelta(minutes=4), "Cisza: 2 dni bez dostawy, zwykle co 4 minuty"),
    ],
)
def test_the_silence_reads_as_a_sentence_in_every_language(
    webhook_channel: Channel,
    deliveries: Callable[..., None],
    staff_client: Client,
    language: str,
    usual_every: timedelta | None,
    expected: str,
) -> None:
    last = timezone.now() - timedelta(days=2, hours=1)
    if usual_every is None:
        deliveries(webhook_channel, count=3, every=timedelta(hours=1), last=last)
    else:
        deliveries(webhook_channel, count=40, every=usual_every, last=last)
    check_delivery_rhythm.apply()
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    assert expected in shown(staff_client)

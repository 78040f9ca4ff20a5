"""Connecting channels in a real browser, against fake platforms with their own sign-in."""

from __future__ import annotations

from typing import Any

from channels.models import Channel
from tests.connect.conftest import live, open_desk, stored_credentials
from tests.fakes import meta_login
from tests.fakes import x as fake_x
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.meta_login import FakeMetaLogin
from tests.fakes.x import FakeX


@live
def test_an_admin_connects_two_facebook_pages_and_each_is_subscribed_as_its_own_channel(
    browser: Any, live_server: Any, settings: Any, fake_meta: FakeMetaLogin
) -> None:
    page = open_desk(browser, live_server, settings)
    page.get_by_role("button", name="Connect Facebook & Instagram").click()
    page.locator("#allow").click()
    page.wait_for_url("**/channels/connect/review/")
    assert page.locator("tr.missing").count() == 0
    assert page.locator("tr.granted").count() == len(meta_login.ALL_PERMISSIONS)
    page.get_by_label("Infopark (Instagram @infopark)").check()
    page.get_by_label("Infopark Support").check()
    page.get_by_role("button", name="Create the channel").click()
    page.wait_for_url("**/channels/connect/")

    channels = {c.config["connected_account"]: c for c in Channel.objects.filter(kind="meta")}
    assert set(channels) == {"111", "222"}
    assert channels["111"].credentials["page_tokens"] == "111:page-111-token"
    assert channels["222"].credentials["page_tokens"] == "222:page-222-token"
    assert channels["111"].config["instagram_accounts"] == "1784111:111"
    assert "page-111-token" not in stored_credentials(channels["111"])
    assert all(c.is_active for c in channels.values())
    assert set(fake_meta.subscribed) == {"111", "222"}
    # The app's one callback was registered (and verified by Meta's challenge) once.
    assert [s["object"] for s in fake_meta.app_subscriptions] == ["page", "instagram"]
    assert fake_meta.app_subscriptions[0]["callback_url"] == channels["111"].webhook_url or (
        fake_meta.app_subscriptions[0]["callback_url"] == channels["222"].webhook_url
    )
    for channel in channels.values():
        assert channel.config["subscription"]["state"] == "subscribed"
    assert page.locator("td.subscription", has_text="subscribed").count() == 2


@live
def test_an_admin_connects_x_with_pkce_and_the_account_is_subscribed_to_activity(
    browser: Any, live_server: Any, settings: Any, fake_x_platform: FakeX
) -> None:
    page = open_desk(browser, live_server, settings)
    page.get_by_role("button", name="Connect X (Twitter)").click()
    page.locator("#allow").click()
    page.wait_for_url("**/channels/connect/review/")
    assert page.locator("tr.missing").count() == 0
    page.get_by_role("button", name="Create the channel").click()
    page.wait_for_url("**/channels/connect/")

    exchange = fake_x_platform.oauth.exchanges[0]
    assert exchange["code_verifier"]
    channel = Channel.objects.get(kind="x")
    assert channel.is_active
    assert channel.config["account_id"] == fake_x.ACCOUNT_ID
    assert channel.config["token_expires_at"]
    assert channel.credentials["access_token"] == fake_x_platform.token
    assert fake_x_platform.token not in stored_credentials(channel)
    assert channel.config["webhook_id"] in fake_x_platform.webhooks
    subscribed = {s["event_type"] for s in fake_x_platform.subscriptions.values()}
    assert "post.mention.create" in subscribed and "dm.received" in subscribed
    assert (
        page.locator(f"#channel-{channel.pk} td.subscription").inner_text().startswith("subscribed")
    )


@live
def test_an_admin_connects_a_mastodon_account_on_the_instance_they_name(
    browser: Any, live_server: Any, settings: Any, fake_mastodon: FakeMastodon
) -> None:
    page = open_desk(browser, live_server, settings)
    page.get_by_label("Instance").fill(fake_mastodon.url)
    page.get_by_role("button", name="Connect Mastodon").click()
    page.locator("#allow").click()
    page.wait_for_url("**/channels/connect/review/")
    page.get_by_role("button", name="Create the channel").click()
    page.wait_for_url("**/channels/connect/")

    app = fake_mastodon.apps[0]
    assert app["redirect_uri"] == f"{live_server.url}/channels/connect/callback/mastodon/"
    assert set(app["scopes"]) >= {"read:notifications", "write:statuses"}
    channel = Channel.objects.get(kind="mastodon")
    assert channel.is_active
    assert channel.config["instance_url"] == fake_mastodon.url
    assert channel.credentials["client_id"] == app["client_id"]
    assert channel.adapter().check_credentials().startswith("@")


@live
def test_a_cancelled_sign_in_shows_access_denied_and_creates_no_channel(
    browser: Any, live_server: Any, settings: Any, fake_x_platform: FakeX
) -> None:
    page = open_desk(browser, live_server, settings)
    page.get_by_role("button", name="Connect X (Twitter)").click()
    page.locator("#cancel").click()
    assert "access_denied" in page.locator("#connect-error").inner_text()
    assert not Channel.objects.filter(kind="x").exists()
    assert fake_x_platform.oauth.exchanges == []


@live
def test_permissions_left_unticked_are_shown_and_the_channel_is_not_activated(
    browser: Any, live_server: Any, settings: Any, fake_x_platform: FakeX
) -> None:
    fake_x_platform.oauth.granted = ["tweet.read", "users.read", "offline.access"]
    page = open_desk(browser, live_server, settings)
    page.get_by_role("button", name="Connect X (Twitter)").click()
    page.locator("#allow").click()
    page.wait_for_url("**/channels/connect/review/")
    missing = page.locator("tr.missing").evaluate_all("rows => rows.map(r => r.dataset.scope)")
    assert set(missing) == {"tweet.write", "dm.read", "dm.write"}
    assert page.locator("#missing-permissions").is_visible()
    page.get_by_role("button", name="Create the channel").click()
    page.wait_for_url("**/channels/connect/")

    channel = Channel.objects.get(kind="x")
    assert not channel.is_active
    assert "dm.write" in channel.why_disabled
    assert fake_x_platform.subscriptions == {}
    assert "dm.write" in page.locator(f"#channel-{channel.pk} td.permissions").inner_text()

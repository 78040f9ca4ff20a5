"""Connecting YouTube (Google's OAuth, offline access and PKCE) and LinkedIn (its OAuth, then
a page the member administers) in a real browser, against fake platforms with their sign-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from channels.models import Channel
from channels.platforms.tokens import parse_expiry
from tests.connect.conftest import live, open_desk, stored_credentials
from tests.fakes import linkedin as fake_linkedin
from tests.fakes import youtube as fake_youtube
from tests.fakes.linkedin import FakeLinkedIn
from tests.fakes.youtube import FakeYouTube

YOUTUBE_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
SECOND_PAGE_ID = "5151515"


def channel_health_row(page: Any, live_server: Any, channel: Channel) -> Any:
    """The channel's row on /channels/, where staff see which channels work."""
    page.goto(f"{live_server.url}/channels/")
    return page.locator("table.channels tr", has=page.get_by_role("link", name=channel.name))


@live
def test_an_admin_connects_youtube_with_offline_access_and_pkce_and_the_channel_works(
    browser: Any, live_server: Any, settings: Any, youtube: FakeYouTube
) -> None:
    page = open_desk(browser, live_server, settings)
    page.get_by_role("button", name="Connect YouTube").click()
    assert page.locator("#scopes").inner_text() == YOUTUBE_SCOPE
    page.locator("#allow").click()
    page.wait_for_url("**/channels/connect/review/")
    assert page.locator("tr.missing").count() == 0
    granted = page.locator("tr.granted").evaluate_all("rows => rows.map(r => r.dataset.scope)")
    assert granted == [YOUTUBE_SCOPE]
    assert page.get_by_text("Account: Infopark").is_visible()
    page.get_by_role("button", name="Create the channel").click()
    page.wait_for_url("**/channels/connect/")

    exchange = youtube.oauth.exchanges[0]
    assert exchange["code_verifier"] and exchange["client_secret"] == fake_youtube.CLIENT_SECRET
    channel = Channel.objects.get(kind="youtube")
    assert channel.is_active
    assert channel.config["channel_id"] == fake_youtube.CHANNEL_ID
    assert channel.config["granted_scopes"] == [YOUTUBE_SCOPE]
    assert channel.credentials["refresh_token"] == fake_youtube.REFRESH
    assert fake_youtube.REFRESH not in stored_credentials(channel)
    assert fake_youtube.CLIENT_SECRET not in stored_credentials(channel)
    # The adapter renews its one-hour access tokens from the stored refresh token.
    assert "Infopark" in channel.adapter().check_credentials()
    row = channel_health_row(page, live_server, channel)
    assert row.locator("td").nth(1).inner_text() == "YouTube"
    assert row.locator("td").nth(2).inner_text() == "no delivery yet"


@live
def test_an_admin_connects_the_linkedin_page_they_choose_and_the_channel_works(
    browser: Any, live_server: Any, settings: Any, linkedin: FakeLinkedIn
) -> None:
    linkedin.pages[SECOND_PAGE_ID] = "Infopark Careers"
    page = open_desk(browser, live_server, settings)
    page.get_by_role("button", name="Connect LinkedIn").click()
    page.locator("#allow").click()
    page.wait_for_url("**/channels/connect/review/")
    assert page.locator("tr.missing").count() == 0
    granted = page.locator("tr.granted").evaluate_all("rows => rows.map(r => r.dataset.scope)")
    assert set(granted) == set(linkedin.oauth.last_scopes)
    assert page.get_by_label("Infopark Careers").is_visible()
    page.get_by_label("Infopark", exact=True).check()
    page.get_by_role("button", name="Create the channel").click()
    page.wait_for_url("**/channels/connect/")

    channel = Channel.objects.get(kind="linkedin")
    assert channel.is_active
    assert channel.config["organization_id"] == fake_linkedin.ORG_ID
    assert channel.config["connected_account"] == fake_linkedin.ORG_ID
    assert set(channel.config["granted_scopes"]) == set(granted)
    expires = parse_expiry(channel.config["token_expires_at"])
    assert expires is not None and expires > timezone.now() + timedelta(days=59)
    assert channel.credentials["access_token"] == fake_linkedin.TOKEN
    assert channel.credentials["refresh_token"] == fake_linkedin.REFRESH
    assert fake_linkedin.TOKEN not in stored_credentials(channel)
    assert channel.adapter().check_credentials().startswith("Infopark")
    row = channel_health_row(page, live_server, channel)
    assert row.locator("td").nth(1).inner_text() == "LinkedIn"
    assert row.locator("td").nth(2).inner_text() == "no delivery yet"

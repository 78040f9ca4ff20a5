"""The connect flows over HTTP: state checks, refresh, removal with revocation, and the
platforms not driven in the browser (Bluesky, YouTube, LinkedIn)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import pytest
from django.test import Client
from django.utils import timezone

from channels.models import Channel, InboundEvent
from channels.platforms.tasks import check_tokens
from channels.platforms.tokens import parse_expiry
from tests.connect.conftest import make_manager, sign_in
from tests.fakes import bluesky as fake_bluesky
from tests.fakes import linkedin as fake_linkedin
from tests.fakes import meta_login
from tests.fakes import youtube as fake_youtube
from tests.fakes.bluesky import FakeBluesky
from tests.fakes.linkedin import FakeLinkedIn
from tests.fakes.meta_login import FakeMetaLogin
from tests.fakes.x import FakeX
from tests.fakes.youtube import FakeYouTube


def connect_x(client: Client) -> Channel:
    assert sign_in(client, "x").status_code == 302
    created = client.post("/channels/connect/review/")
    assert created.status_code == 302
    return Channel.objects.get(kind="x")


def test_a_callback_with_another_state_is_refused_and_no_code_is_exchanged(
    manager_client: Client, fake_x_platform: FakeX
) -> None:
    started = manager_client.post("/channels/connect/x/start/")
    query = parse_qs(urlsplit(started["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    answer = manager_client.get(
        "/channels/connect/callback/x/", {"code": "stolen", "state": "forged-state"}
    )
    assert answer.status_code == 400
    assert b"state parameter does not match" in answer.content
    assert fake_x_platform.oauth.exchanges == []
    assert not Channel.objects.exists()


def test_a_callback_without_a_flow_in_this_session_is_refused(
    manager_client: Client, fake_x_platform: FakeX
) -> None:
    started = manager_client.post("/channels/connect/x/start/")
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    other = Client()
    other.force_login(make_manager("mallory"))
    answer = other.get("/channels/connect/callback/x/", {"code": "c", "state": state})
    assert answer.status_code == 400
    assert fake_x_platform.oauth.exchanges == []


def test_a_state_older_than_ten_minutes_is_refused(
    manager_client: Client, fake_x_platform: FakeX, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = manager_client.post("/channels/connect/x/start/")
    state = parse_qs(urlsplit(started["Location"]).query)["state"][0]
    later = time.time() + 601
    monkeypatch.setattr(time, "time", lambda: later)
    answer = manager_client.get("/channels/connect/callback/x/", {"code": "c", "state": state})
    assert answer.status_code == 400
    assert b"too long" in answer.content


def test_a_state_is_used_once(manager_client: Client, fake_x_platform: FakeX) -> None:
    started = manager_client.post("/channels/connect/x/start/")
    with urlopen(started["Location"], timeout=10) as consent:  # noqa: S310 - a fake
        page = consent.read().decode()
    href = page.split("id='allow' href='")[1].split("'")[0].replace("&amp;", "&")
    callback = f"{urlsplit(href).path}?{urlsplit(href).query}"
    assert manager_client.get(callback).status_code == 302
    assert manager_client.get(callback).status_code == 400


def test_an_agent_cannot_connect_a_channel(staff_client: Client, fake_x_platform: FakeX) -> None:
    assert staff_client.post("/channels/connect/x/start/").status_code == 403
    assert staff_client.get("/channels/connect/").status_code == 403


def test_the_token_check_renews_an_expiring_x_token_before_it_ends(
    manager_client: Client, fake_x_platform: FakeX
) -> None:
    channel = connect_x(manager_client)
    first = channel.credentials["access_token"]
    soon = timezone.now() + timedelta(minutes=10)
    channel.config = {**channel.config, "token_expires_at": soon.isoformat(), "granted_scopes": []}
    channel.save()

    counts = check_tokens.delay().get()

    channel.refresh_from_db()
    assert counts["refreshed"] == 1
    assert channel.credentials["access_token"] == fake_x_platform.token != first
    assert channel.credentials["refresh_token"] == fake_x_platform.refresh_token
    expires = parse_expiry(channel.config["token_expires_at"])
    assert expires is not None and expires > timezone.now() + timedelta(hours=1)
    assert channel.is_active
    # The renewed grant says again what the account allows.
    assert "dm.write" in channel.config["granted_scopes"]


def test_removing_a_channel_revokes_its_tokens_and_erases_them(
    manager_client: Client, fake_x_platform: FakeX
) -> None:
    channel = connect_x(manager_client)
    tokens = {channel.credentials["access_token"], channel.credentials["refresh_token"]}
    answer = manager_client.post(f"/channels/connect/{channel.pk}/remove/")
    assert answer.status_code == 302
    channel.refresh_from_db()
    assert set(fake_x_platform.oauth.revoked) == tokens
    assert channel.credentials == {}
    assert not channel.is_active
    assert channel.config["revocation"]["state"] == "revoked"


def test_a_channel_is_removed_even_when_the_platform_refuses_the_revocation(
    manager_client: Client, fake_x_platform: FakeX
) -> None:
    channel = connect_x(manager_client)
    fake_x_platform.oauth.revoke_status = 503
    manager_client.post(f"/channels/connect/{channel.pk}/remove/")
    channel.refresh_from_db()
    assert channel.credentials == {}
    assert not channel.is_active
    assert channel.config["revocation"]["state"] == "failed"
    assert "revoking the grant failed" in channel.why_disabled


def test_connecting_the_same_account_again_renews_its_channel(
    manager_client: Client, fake_x_platform: FakeX
) -> None:
    channel = connect_x(manager_client)
    manager_client.post(f"/channels/connect/{channel.pk}/remove/")
    again = connect_x(manager_client)
    assert again.pk == channel.pk
    assert again.is_active and again.credentials["access_token"]


@pytest.fixture
def bluesky(platforms_reachable: None) -> Iterator[FakeBluesky]:
    with FakeBluesky().running() as platform:
        yield platform


def test_a_bluesky_app_password_is_checked_and_becomes_a_channel(
    manager_client: Client, bluesky: FakeBluesky
) -> None:
    form = {
        "service_url": bluesky.url,
        "handle": fake_bluesky.HANDLE,
        "app_password": fake_bluesky.APP_PASSWORD,
    }
    assert manager_client.post("/channels/connect/bluesky/", form).status_code == 302
    review = manager_client.get("/channels/connect/review/")
    assert b"com.atproto.appPass" in review.content
    manager_client.post("/channels/connect/review/")
    channel = Channel.objects.get(kind="bluesky")
    assert channel.is_active
    assert channel.credentials["app_password"] == fake_bluesky.APP_PASSWORD
    assert channel.config["granted_scopes"] == ["com.atproto.appPass"]


def test_a_wrong_bluesky_app_password_makes_no_channel(
    manager_client: Client, bluesky: FakeBluesky
) -> None:
    form = {"service_url": bluesky.url, "handle": fake_bluesky.HANDLE, "app_password": "nope"}
    answer = manager_client.post("/channels/connect/bluesky/", form, follow=True)
    assert "refused the app password" in answer.content.decode()
    assert not Channel.objects.exists()


def test_youtube_is_connected_with_offline_access_and_pkce(
    manager_client: Client, youtube: FakeYouTube
) -> None:
    started = manager_client.post("/channels/connect/youtube/start/")
    query = parse_qs(urlsplit(started["Location"]).query)
    assert query["access_type"] == ["offline"] and query["code_challenge_method"] == ["S256"]
    assert sign_in(manager_client, "youtube").status_code == 302
    manager_client.post("/channels/connect/review/")
    channel = Channel.objects.get(kind="youtube")
    assert channel.is_active
    assert channel.config["channel_id"] == fake_youtube.CHANNEL_ID
    assert channel.credentials["refresh_token"] == fake_youtube.REFRESH
    assert youtube.oauth.exchanges[0]["code_verifier"]
    manager_client.post(f"/channels/connect/{channel.pk}/remove/")
    assert youtube.oauth.revoked == [fake_youtube.REFRESH]


def test_a_linkedin_page_the_member_administers_is_chosen_and_connected(
    manager_client: Client, linkedin: FakeLinkedIn
) -> None:
    assert sign_in(manager_client, "linkedin").status_code == 302
    review = manager_client.get("/channels/connect/review/")
    assert b"Infopark" in review.content
    manager_client.post("/channels/connect/review/", {"account": fake_linkedin.ORG_ID})
    channel = Channel.objects.get(kind="linkedin")
    assert channel.is_active
    assert channel.config["organization_id"] == fake_linkedin.ORG_ID
    assert parse_expiry(channel.config["token_expires_at"]) is not None
    assert channel.adapter().check_credentials().startswith("Infopark")


def test_one_meta_callback_routes_each_connected_pages_events_to_its_own_channel(
    manager_client: Client, fake_meta: FakeMetaLogin, settings: Any
) -> None:
    # Nothing listens there: the app callback's verification fails, the routing does not.
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:9"
    assert sign_in(manager_client, "meta").status_code == 302
    manager_client.post("/channels/connect/review/", {"account": ["111", "222"]})
    first = Channel.objects.get(config__connected_account="111")
    second = Channel.objects.get(config__connected_account="222")
    entry = {"time": 1764000000, "changes": [{"field": "feed", "value": {"item": "status"}}]}
    body = json.dumps(
        {"object": "page", "entry": [{**entry, "id": "111"}, {**entry, "id": "222"}]}
    ).encode()
    signature = hmac.new(meta_login.APP_SECRET.encode(), body, hashlib.sha256).hexdigest()

    answer = Client().post(
        first.webhook_path,
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": f"sha256={signature}"},
    )

    assert answer.status_code == 200
    for channel, page in ((first, "111"), (second, "222")):
        stored = InboundEvent.objects.get(channel=channel)
        assert [e["id"] for e in json.loads(bytes(stored.body))["entry"]] == [page]


def test_a_page_without_instagram_needs_no_instagram_permission(
    manager_client: Client, fake_meta: FakeMetaLogin, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:9"
    fake_meta.oauth.granted = [p for p in meta_login.ALL_PERMISSIONS if p.startswith("pages_")]
    assert sign_in(manager_client, "meta").status_code == 302

    manager_client.post("/channels/connect/review/", {"account": ["111", "222"]})

    with_instagram = Channel.objects.get(config__connected_account="111")
    page_only = Channel.objects.get(config__connected_account="222")
    assert page_only.is_active and page_only.disabled_reason == ""
    assert not with_instagram.is_active
    assert "instagram_basic" in with_instagram.why_disabled
    index = manager_client.get("/channels/connect/").content.decode()
    row_of = {
        channel: index.split(f'id="channel-{channel.pk}"')[1].split("</tr>")[0]
        for channel in (with_instagram, page_only)
    }
    assert "instagram_basic" in row_of[with_instagram]
    assert "all granted" in row_of[page_only] and "instagram" not in row_of[page_only]
    # Why the channel is off reads in the reader's language, with the permissions named.
    manager_client.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})
    german = manager_client.get("/channels/connect/").content.decode()
    row = german.split(f'id="channel-{with_instagram.pk}"')[1].split("</tr>")[0]
    assert "Die Plattform hat diese Berechtigungen nicht erteilt: " in row
    assert "instagram_basic" in row.split("nicht erteilt: ")[1]
    assert "did not grant" not in german


def test_a_channel_whose_grant_nobody_recorded_is_not_shown_as_missing_permissions(
    manager_client: Client,
) -> None:
    channel = Channel.objects.create(kind="mastodon", name="Added by command")

    index = manager_client.get("/channels/connect/").content.decode()

    row = index.split(f'id="channel-{channel.pk}"')[1].split("</tr>")[0]
    assert "Granted permissions not known yet" in row and "Missing" not in row

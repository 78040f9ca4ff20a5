"""Connecting channels: fake platforms with their sign-in, and a manager to connect them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client

from channels.models import Channel
from tests.dashboards.test_browser import browser  # noqa: F401 - the shared Chromium fixture
from tests.fakes import linkedin as fake_linkedin
from tests.fakes import meta_login
from tests.fakes import x as fake_x
from tests.fakes import youtube as fake_youtube
from tests.fakes.linkedin import FakeLinkedIn
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.meta_login import FakeMetaLogin
from tests.fakes.x import FakeX
from tests.fakes.youtube import FakeYouTube


@pytest.fixture
def platforms_reachable(settings: Any) -> None:
    settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.HTTP_MAX_RETRIES = 0


@pytest.fixture
def fake_meta(settings: Any, platforms_reachable: None) -> Iterator[FakeMetaLogin]:
    with FakeMetaLogin().running() as platform:
        settings.META_APP_ID = meta_login.APP_ID
        settings.META_APP_SECRET = meta_login.APP_SECRET
        settings.META_LOGIN_CONFIG_ID = ""
        settings.CONNECT_ENDPOINTS = {
            **settings.CONNECT_ENDPOINTS,
            "meta": {
                "authorize": f"{platform.url}/{meta_login.VERSION}/dialog/oauth",
                "graph": platform.url,
            },
        }
        yield platform


@pytest.fixture
def fake_x_platform(settings: Any, platforms_reachable: None) -> Iterator[FakeX]:
    with FakeX().running() as platform:
        settings.X_CLIENT_ID = fake_x.CLIENT_ID
        settings.X_CLIENT_SECRET = fake_x.CLIENT_SECRET
        settings.X_CONSUMER_SECRET = fake_x.CONSUMER_SECRET
        settings.X_APP_BEARER_TOKEN = fake_x.APP_BEARER
        settings.X_WEBHOOK_ID = ""
        settings.CONNECT_ENDPOINTS = {
            **settings.CONNECT_ENDPOINTS,
            "x": {"authorize": f"{platform.url}/i/oauth2/authorize", "api": platform.url},
        }
        yield platform


@pytest.fixture
def fake_mastodon(platforms_reachable: None) -> Iterator[FakeMastodon]:
    with FakeMastodon().running() as platform:
        yield platform


@pytest.fixture
def youtube(settings: Any, platforms_reachable: None) -> Iterator[FakeYouTube]:
    with FakeYouTube().running() as platform:
        settings.GOOGLE_CLIENT_ID = fake_youtube.CLIENT_ID
        settings.GOOGLE_CLIENT_SECRET = fake_youtube.CLIENT_SECRET
        settings.CONNECT_ENDPOINTS = {
            **settings.CONNECT_ENDPOINTS,
            "youtube": {
                "authorize": f"{platform.url}/o/oauth2/v2/auth",
                "exchange": f"{platform.url}/token",
                "revoke": f"{platform.url}/revoke",
                "api": platform.url,
            },
        }
        yield platform


@pytest.fixture
def linkedin(settings: Any, platforms_reachable: None) -> Iterator[FakeLinkedIn]:
    with FakeLinkedIn().running() as platform:
        settings.LINKEDIN_CLIENT_ID = fake_linkedin.CLIENT_ID
        settings.LINKEDIN_CLIENT_SECRET = fake_linkedin.CLIENT_SECRET
        settings.CONNECT_ENDPOINTS = {
            **settings.CONNECT_ENDPOINTS,
            "linkedin": {
                "authorize": f"{platform.url}/oauth/v2/authorization",
                "exchange": f"{platform.url}/oauth/v2/accessToken",
                "revoke": f"{platform.url}/oauth/v2/revoke",
                "api": platform.url,
            },
        }
        yield platform


def make_manager(name: str = "maria") -> User:
    user = User.objects.create_user(name)
    user.groups.add(Group.objects.get(name="manager"))
    return user


@pytest.fixture
def manager_client(db: None) -> Client:
    client = Client()
    client.force_login(make_manager())
    return client


def sign_in(client: Client, kind: str, *, deny: bool = False, **form: str) -> Any:
    """Go through a platform's sign-in as the browser would: start, consent, come back."""
    started = client.post(f"/channels/connect/{kind}/start/", form)
    assert started.status_code == 302, started.content[:300]
    with urlopen(started["Location"], timeout=10) as consent:  # noqa: S310 - a fake on 127.0.0.1
        page = consent.read().decode()
    link_id = "cancel" if deny else "allow"
    href = page.split(f"id='{link_id}' href='")[1].split("'")[0].replace("&amp;", "&")
    parts = urlsplit(href)
    return client.get(f"{parts.path}?{parts.query}")


live = pytest.mark.django_db(
    transaction=True, available_apps=[app.name for app in django_apps.get_app_configs()]
)


def open_desk(chromium: Any, live_server: Any, settings: Any) -> Any:
    # Redirect URIs and webhook URLs are built from the public address: the live server's.
    settings.PUBLIC_BASE_URL = live_server.url
    client = Client()
    client.force_login(make_manager())
    context = chromium.new_context(viewport={"width": 1300, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/channels/")
    page.get_by_role("link", name="Connect a channel").click()
    page.wait_for_url("**/channels/connect/")
    return page


def stored_credentials(channel: Channel) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM channels_channel WHERE id = %s", [channel.pk])
        return str(cursor.fetchone()[0])

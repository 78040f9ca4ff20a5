"""Replies in the demo go to the built-in sandbox platform, never the internet."""

import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from desk.demo.channels import ensure_channels
from desk.demo.models import SandboxPost
from desk.demo.people import link_personas
from desk.demo.personas import PERSONAS
from desk.demo.publish import publish
from desk.ingestion.processing import process_event
from tickets.models import Message, Ticket


def mention_on(platform: str) -> Ticket:
    channels = ensure_channels()
    link_personas(channels=channels)
    persona = next(p for p in PERSONAS if platform in p.platforms)
    event = publish(
        platform=platform,
        channel=channels[platform],
        persona=persona,
        text="Where can I download my invoice?",
        at=timezone.now() - timedelta(minutes=3),
    )
    assert event is not None
    process_event(event.pk)
    return Ticket.objects.get(channel=channels[platform])


def reply(client: Client, ticket: Ticket, capture: Any) -> Message:
    with capture(execute=True):
        response = client.post(
            f"/tickets/{ticket.pk}/reply/",
            {"text": "Hi, it is under Account > Invoices.", "voice": "company"},
        )
    assert response.status_code == 302, response.content.decode()[:500]
    return Message.objects.get(
        conversation=ticket.conversation,
        direction=Message.Direction.OUTBOUND,
        text__contains="Account > Invoices",
    )


@pytest.mark.parametrize("platform", ["x", "facebook", "mastodon", "email", "bluesky"])
def test_a_reply_is_delivered_to_the_sandbox_with_its_platform_id(
    platform: str, spokesperson_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = mention_on(platform)

    sent = reply(spokesperson_client, ticket, django_capture_on_commit_callbacks)

    assert sent.delivery_state == Message.Delivery.SENT, sent.delivery_error
    posted = SandboxPost.objects.get(
        platform=platform, posted_by="company", text__contains="Account > Invoices"
    )
    assert posted.platform_id and sent.platform_id.endswith(posted.platform_id)
    assert "Account > Invoices" in posted.text
    inbound = Message.objects.get(
        conversation=ticket.conversation, direction=Message.Direction.INBOUND
    )
    assert inbound.platform_id.endswith(posted.in_reply_to) or platform == "email"
    assert "delivery-sent" in spokesperson_client.get(f"/tickets/{ticket.pk}/").content.decode()
    page = spokesperson_client.get("/sandbox/").content.decode()
    assert posted.platform_id in page


def test_the_instagram_sandbox_refuses_replies_and_the_desk_shows_the_failure(
    spokesperson_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = mention_on("instagram")

    sent = reply(spokesperson_client, ticket, django_capture_on_commit_callbacks)

    assert sent.delivery_state == Message.Delivery.FAILED
    assert "instagram_manage_comments" in sent.delivery_error
    ticket_page = spokesperson_client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "delivery-failed" in ticket_page
    assert "instagram_manage_comments" in spokesperson_client.get("/channels/").content.decode()
    assert "Refused by the platform" in spokesperson_client.get("/sandbox/").content.decode()


def test_the_channels_page_shows_public_addresses_from_the_served_address(
    spokesperson_client: Client, settings: Any
) -> None:
    channels = ensure_channels()
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8931"

    page = spokesperson_client.get("/channels/").content.decode()

    assert f"http://127.0.0.1:8931/form/{channels['webform'].webhook_token}/" in page
    assert f"http://127.0.0.1:8931/hooks/{channels['x'].webhook_token}/" in page


def test_the_sandbox_page_is_not_found_when_demo_mode_is_off(
    spokesperson_client: Client, settings: Any
) -> None:
    settings.DEMO_MODE = False

    assert spokesperson_client.get("/sandbox/").status_code == 404


PROBE = (
    "import django; django.setup();"
    "from django.conf import settings; from django.test import Client;"
    "from channels import http;"
    "print(settings.DEMO_MODE, Client().get('/sandbox/').status_code, sorted(http._mounted_hosts))"
)


@pytest.mark.parametrize(
    "environment",
    [
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/socialdesk_probe",
            "REDIS_URL": "redis://127.0.0.1:6379/6",
        },
        {"REDIS_URL": "redis://127.0.0.1:6379/6"},
        {"DEMO_MODE": "0"},
    ],
    ids=["postgresql-and-redis", "redis", "demo-mode-off"],
)
def test_a_production_configuration_has_no_sandbox(environment: dict[str, str]) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(environment, DJANGO_SETTINGS_MODULE="desk.config.settings")
    probe = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    demo_mode, status, mounted = probe.stdout.split()[-3:]
    # Nothing answers the sandbox's addresses, and its page is not served: an anonymous
    # visitor is sent to log in, staff get a 404 (test above).
    assert (demo_mode, mounted) == ("False", "[]"), probe.stderr[-2000:]
    assert status in ("302", "404")

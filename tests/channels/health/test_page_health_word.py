"""The channels page's health word follows what arrives, whatever path it arrived by, and is
shown in the reader's language. Each arrival commits, as in production (the channel is marked
working once its event is committed)."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.utils import timezone

from channels.models import Channel
from desk.demo.channels import ensure_channels
from desk.demo.personas import PERSONAS
from desk.demo.publish import publish
from tests.conftest import mention_payload, post_json, signed_delivery


def health_of(client: Client, channel: Channel, **headers: str) -> str:
    page = client.get("/channels/", **headers).content.decode()
    row = re.search(rf'<tr class="health-(\w+)">\s*<td><a href="/channels/{channel.pk}/">', page)
    assert row is not None, page
    cell = page[row.end() :].split("</td>", 3)[2]
    return f"{row.group(1)}: {re.sub(r'<[^>]+>', '', cell).strip()}"


def test_a_rest_inquiry_shows_its_channel_working(
    api: Client, staff_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    channel = Channel.objects.get(kind="api")
    assert health_of(staff_client, channel) == "new: no delivery yet"

    with django_capture_on_commit_callbacks(execute=True):
        created = post_json(
            api, "/api/v1/inquiries/", {"text": "Where is my order?", "author": {"name": "Ann"}}
        )

    assert created.status_code == 201
    assert health_of(staff_client, channel) == "ok: working"


def test_a_webhook_delivery_shows_its_channel_working_in_german(
    webhook_channel: Channel, staff_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    assert health_of(staff_client, webhook_channel, HTTP_ACCEPT_LANGUAGE="de") == (
        "new: noch keine Zustellung"
    )

    with django_capture_on_commit_callbacks(execute=True):
        signed_delivery(Client(), webhook_channel, mention_payload("p1", "Hi"), delivery="d1")

    assert health_of(staff_client, webhook_channel, HTTP_ACCEPT_LANGUAGE="de") == (
        "ok: funktioniert"
    )


def test_the_demo_s_posts_show_their_channels_working(
    spokesperson_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    mastodon = ensure_channels()["mastodon"]
    assert health_of(spokesperson_client, mastodon) == "new: no delivery yet"

    with django_capture_on_commit_callbacks(execute=True):
        publish(
            platform="mastodon",
            channel=mastodon,
            persona=PERSONAS[0],
            text="Is the service down?",
            at=timezone.now(),
        )

    assert health_of(spokesperson_client, mastodon) == "ok: working"


def kind_of(client: Client, channel: Channel, **headers: str) -> str:
    page = client.get("/channels/", **headers).content.decode()
    row = re.search(
        rf'<td><a href="/channels/{channel.pk}/">[^<]*</a></td>\s*<td>([^<]*)</td>', page
    )
    assert row is not None, page
    return row.group(1)


def test_the_kind_of_a_channel_reads_in_the_reader_s_language(
    webhook_channel: Channel, staff_client: Client
) -> None:
    mailgun = Channel.objects.create(kind="mailgun", name="Mail routes")

    assert kind_of(staff_client, webhook_channel) == "Signed JSON webhook"
    assert kind_of(staff_client, webhook_channel, HTTP_ACCEPT_LANGUAGE="de") == (
        "Signierter JSON-Webhook"
    )
    assert kind_of(staff_client, mailgun, HTTP_ACCEPT_LANGUAGE="sv") == "E-post via Mailgun-rutter"

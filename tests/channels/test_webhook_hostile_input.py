"""Hostile webhook deliveries: each gets a clear 4xx, stores nothing, and never a 500."""

import hashlib
import hmac
import json
from typing import Any

import pytest
from django.test import Client, override_settings

from channels.models import Channel, InboundEvent
from tests.conftest import mention_payload, signed_delivery


def sign(body: bytes, secret: str = "s3cret") -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver_raw(channel: Channel, body: bytes, **extra: Any) -> Any:
    extra.setdefault("content_type", "application/json")
    extra.setdefault("HTTP_X_SOCIALDESK_SIGNATURE", sign(body))
    return Client().post(channel.webhook_path, data=body, **extra)


def assert_refused(response: Any, status: int) -> None:
    assert response.status_code == status
    assert response.json()["error"]["message"]
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"[" * 5_000 + b"]" * 5_000, 400),
        (b'{"type": "message", "id": "1", "text": "a\\u0000b", "author": {"id": "u"}}', 400),
        (b'{"type": "message", "id": "1", "text": "hi", "author": {"id": "u\\u0000"}}', 400),
        (b'{"type": "like", "who": "\\u0000"}', 400),
        (b"\xed\xa0\x80", 400),  # a UTF-16 surrogate encoded as UTF-8: not valid UTF-8
        (json.dumps({**mention_payload("1", "hi"), "created_at": "yesterday"}).encode(), 400),
        (json.dumps({**mention_payload("1", "hi"), "created_at": 5}).encode(), 400),
    ],
)
def test_a_hostile_signed_body_gets_400(webhook_channel: Channel, body: bytes, status: int) -> None:
    assert_refused(deliver_raw(webhook_channel, body), status)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_an_oversized_delivery_gets_413_before_its_signature_is_checked(
    webhook_channel: Channel,
) -> None:
    body = json.dumps(mention_payload("1", "x" * 2_000)).encode()
    assert_refused(deliver_raw(webhook_channel, body), 413)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_delivery_that_is_not_json_gets_415(webhook_channel: Channel, content_type: str) -> None:
    body = json.dumps(mention_payload("1", "hi")).encode()
    assert_refused(deliver_raw(webhook_channel, body, content_type=content_type), 415)


def test_a_signature_replayed_onto_another_body_gets_403(webhook_channel: Channel) -> None:
    signed = json.dumps(mention_payload("1", "hi")).encode()
    forged = json.dumps(mention_payload("1", "send me the refund")).encode()
    response = deliver_raw(webhook_channel, forged, HTTP_X_SOCIALDESK_SIGNATURE=sign(signed))
    assert_refused(response, 403)


def test_a_body_signed_with_another_channels_secret_gets_403(webhook_channel: Channel) -> None:
    body = json.dumps(mention_payload("1", "hi")).encode()
    response = deliver_raw(webhook_channel, body, HTTP_X_SOCIALDESK_SIGNATURE=sign(body, "other"))
    assert_refused(response, 403)


def test_an_overlong_delivery_id_gets_400(webhook_channel: Channel) -> None:
    response = signed_delivery(
        Client(), webhook_channel, mention_payload("1", "hi"), delivery="d" * 300
    )
    assert_refused(response, 400)


def test_a_content_length_that_is_not_a_number_gets_400(webhook_channel: Channel) -> None:
    body = json.dumps(mention_payload("1", "hi")).encode()
    response = deliver_raw(webhook_channel, body, CONTENT_LENGTH="12abc")
    assert response.status_code == 400
    assert not InboundEvent.objects.exists()


def test_a_replayed_delivery_is_acknowledged_without_a_second_record(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = signed_delivery(Client(), webhook_channel, mention_payload("1", "hi"), delivery="d")
    replay = signed_delivery(Client(), webhook_channel, mention_payload("1", "hi"), delivery="d")

    assert (first.status_code, replay.status_code) == (200, 200)
    assert replay.json() == {"status": "duplicate"}
    assert InboundEvent.objects.count() == 1


def test_a_platform_is_answered_without_a_language_whatever_it_asks_for(
    webhook_channel: Channel,
) -> None:
    # A platform reads no prose: its deliveries take the webhook chain, which picks no
    # language from their headers (REST clients' chain does).
    body = json.dumps(mention_payload("1", "hi")).encode()
    response = deliver_raw(webhook_channel, body, HTTP_ACCEPT_LANGUAGE="de")
    assert response.json()["status"] == "stored"
    assert "Content-Language" not in response.headers


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_a_rest_client_is_refused_in_the_language_it_asks_for(api: Client) -> None:
    body = json.dumps({"text": "x" * 2_000, "author": {"name": "Ada"}})
    response = api.post(
        "/api/v1/inquiries/", data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response.status_code == 413
    assert response.json()["error"]["message"] == "Request-Bodys sind auf 1000 Bytes begrenzt."


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_a_person_is_refused_on_a_page_in_their_language(client: Client) -> None:
    response = client.post("/login/", data={"username": "x" * 2_000}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 413
    assert "Requête refusée" in response.content.decode()

import json
from typing import Any

import pytest
from django.test import Client

from channels.models import Channel, InboundEvent
from tests.conftest import mention_payload, signed_delivery
from tickets.models import Message, Ticket


@pytest.fixture
def deliver(webhook_channel: Channel, django_capture_on_commit_callbacks: Any) -> Any:
    def send(payload: Any, *, delivery: str, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return signed_delivery(Client(), webhook_channel, payload, delivery=delivery, **kwargs)

    return send


def test_a_signed_delivery_is_stored_and_becomes_a_ticket(deliver: Any) -> None:
    response = deliver(mention_payload("p1", "Hello, where is my parcel?"), delivery="d1")

    assert response.status_code == 200
    assert response.json()["status"] == "stored"
    event = InboundEvent.objects.get()
    assert event.state == InboundEvent.State.DONE
    message = Message.objects.get()
    assert message.inbound_event == event
    assert Ticket.objects.get().conversation == message.conversation


def test_the_same_event_delivered_twice_is_one_message(deliver: Any) -> None:
    payload = mention_payload("p1", "Hello")
    deliver(payload, delivery="d1")
    deliver(payload, delivery="d2")  # the platform re-sent it under a new delivery id

    assert InboundEvent.objects.count() == 2
    assert Message.objects.count() == 1
    assert Ticket.objects.count() == 1


def test_a_replayed_delivery_is_acknowledged_and_stores_nothing(deliver: Any) -> None:
    payload = mention_payload("p1", "Hello")
    deliver(payload, delivery="d1")
    replay = deliver(payload, delivery="d1")

    assert replay.status_code == 200
    assert replay.json()["status"] == "duplicate"
    assert InboundEvent.objects.count() == 1


@pytest.mark.parametrize("secret", ["wrong", ""])
def test_a_bad_signature_gets_403_and_stores_nothing(webhook_channel: Channel, secret: str) -> None:
    response = signed_delivery(
        Client(), webhook_channel, mention_payload("p1", "hi"), delivery="d1", secret=secret
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "bad_signature"
    assert not InboundEvent.objects.exists()
    webhook_channel.refresh_from_db()
    assert webhook_channel.rejected_deliveries == 1


def test_an_unknown_webhook_address_gets_404(db: None) -> None:
    assert (
        Client()
        .post("/hooks/not-a-channel/", data=b"{}", content_type="application/json")
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{oops", 400),
        (b"\xc3\x28", 400),
        (b"[]", 400),
        (json.dumps({"type": "message", "id": "1"}).encode(), 400),
    ],
)
def test_malformed_signed_deliveries_get_400(
    webhook_channel: Channel, body: bytes, status: int
) -> None:
    import hashlib
    import hmac

    signature = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    response = Client().post(
        webhook_channel.webhook_path,
        data=body,
        content_type="application/json",
        HTTP_X_SOCIALDESK_SIGNATURE=signature,
    )
    assert response.status_code == status
    assert response.json()["error"]["message"]
    assert not InboundEvent.objects.exists()


def test_known_but_ignored_and_unknown_event_types_are_kept_visible(deliver: Any) -> None:
    deliver({"type": "ping"}, delivery="d1")
    deliver({"type": "reaction", "emoji": "+1"}, delivery="d2")

    states = dict(InboundEvent.objects.values_list("delivery_id", "state"))
    assert states == {"d1": "ignored", "d2": "unsupported"}
    assert not Message.objects.exists()


def test_a_reply_joins_its_parents_conversation(deliver: Any) -> None:
    deliver(mention_payload("p1", "My order is late"), delivery="d1")
    deliver(mention_payload("p2", "Still nothing!", parent_id="p1"), delivery="d2")

    first, second = Message.objects.order_by("id")
    assert second.parent == first
    assert second.conversation == first.conversation
    assert Ticket.objects.count() == 1


def test_a_monitored_channel_records_messages_but_opens_no_ticket(
    webhook_channel: Channel, deliver: Any
) -> None:
    webhook_channel.service_level = Channel.ServiceLevel.MONITORED
    webhook_channel.save()
    deliver(mention_payload("p1", "Nice video"), delivery="d1")

    assert Message.objects.count() == 1
    assert not Ticket.objects.exists()


def test_a_post_of_10kb_with_emoji_rtl_and_zero_width_characters_survives(deliver: Any) -> None:
    text = ("Grüße 👋🏽 مرحبا بالعالم zero\u200bwidth\u200d " * 250)[:10_000]
    deliver(mention_payload("p1", text), delivery="d1")
    assert Message.objects.get().text == text


def test_a_delivery_whose_text_is_only_invisible_characters_is_kept_as_ignored(
    deliver: Any,
) -> None:
    response = deliver(mention_payload("p1", " \n\t \u200b "), delivery="d1")

    assert response.status_code == 200
    event = InboundEvent.objects.get()
    assert (event.state, "only whitespace or invisible" in event.last_error) == ("ignored", True)
    assert not Ticket.objects.exists()


def test_events_not_for_us_are_counted_on_the_channel_health_page(
    deliver: Any, staff_client: Client
) -> None:
    deliver({"type": "subscription_changed", "id": "s1"}, delivery="d1")
    deliver({"type": "order_cancelled", "id": "s2"}, delivery="d2")

    page = staff_client.get("/channels/").content.decode()

    assert "2 events acknowledged and kept as unsupported" in page
    assert "order_cancelled" in page

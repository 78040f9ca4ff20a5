from typing import Any

from django.test import Client

from channels.models import Channel, InboundEvent
from tests.conftest import signed_delivery
from tests.fakes.fixtures import fixture_json
from tickets.models import Message, Ticket


def test_a_recorded_partner_delivery_becomes_a_ticket_once(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    payload = fixture_json("webhook", "message__basic")
    with django_capture_on_commit_callbacks(execute=True):
        signed_delivery(Client(), webhook_channel, payload, delivery="d1")
        signed_delivery(Client(), webhook_channel, payload, delivery="d2")

    message = Message.objects.get()
    assert message.url == "https://crm.partner.example/cases/88121"
    assert message.author_identity.email == "noah@shop.example"
    assert Ticket.objects.count() == 1
    webhook_channel.refresh_from_db()
    assert webhook_channel.health == "ok"


def test_a_recorded_ping_is_ignored_visibly(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        signed_delivery(
            Client(), webhook_channel, fixture_json("webhook", "ping__basic"), delivery="p"
        )

    assert InboundEvent.objects.get().state == "ignored"

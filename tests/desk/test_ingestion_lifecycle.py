from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from channels.models import Channel
from tests.conftest import mention_payload, post_json, signed_delivery
from tickets.models import Contact, Message, Ticket


@pytest.fixture
def deliver(webhook_channel: Channel, django_capture_on_commit_callbacks: Any) -> Any:
    counter = iter(range(1, 10_000))

    def send(payload: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return signed_delivery(Client(), webhook_channel, payload, delivery=f"d{next(counter)}")

    return send


def test_a_customer_reply_on_a_waiting_ticket_reopens_it(deliver: Any) -> None:
    deliver(mention_payload("p1", "Order late"))
    ticket = Ticket.objects.get()
    ticket.set_status(Ticket.Status.PENDING)
    deliver(mention_payload("p2", "Here is the number: 4711", parent_id="p1"))

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert list(ticket.events.values_list("kind", "new_value"))[-1] == ("status", "open")


def test_a_reply_shortly_after_resolution_reopens_the_ticket(deliver: Any) -> None:
    deliver(mention_payload("p1", "Order late"))
    ticket = Ticket.objects.get()
    ticket.set_status(Ticket.Status.RESOLVED)
    deliver(mention_payload("p2", "It did not arrive after all", parent_id="p1"))

    ticket.refresh_from_db()
    assert Ticket.objects.count() == 1
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.reopened_count == 1


def test_a_reply_long_after_resolution_opens_a_new_ticket(deliver: Any) -> None:
    deliver(mention_payload("p1", "Order late"))
    ticket = Ticket.objects.get()
    ticket.set_status(Ticket.Status.RESOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - timedelta(days=30))
    deliver(mention_payload("p2", "A new problem", parent_id="p1"))

    assert Ticket.objects.count() == 2
    newest = Ticket.objects.order_by("-id").first()
    assert newest is not None and newest.conversation == ticket.conversation


def test_a_reply_to_a_closed_ticket_opens_a_new_ticket(deliver: Any) -> None:
    deliver(mention_payload("p1", "Order late"))
    ticket = Ticket.objects.get()
    ticket.set_status(Ticket.Status.RESOLVED)
    ticket.set_status(Ticket.Status.CLOSED)
    deliver(mention_payload("p2", "Again", parent_id="p1"))

    assert list(Ticket.objects.order_by("id").values_list("status", flat=True)) == ["closed", "new"]


def test_a_third_persons_reply_starts_their_own_conversation(deliver: Any) -> None:
    deliver(mention_payload("p1", "Order late", author_id="ann", name="Ann"))
    deliver(mention_payload("p2", "Same here", author_id="bob", name="Bob", parent_id="p1"))

    ann, bob = Message.objects.order_by("id")
    assert ann.conversation != bob.conversation
    assert Ticket.objects.count() == 2


def test_one_person_on_two_channels_with_one_address_is_one_contact(
    deliver: Any, api: Client
) -> None:
    deliver(
        {
            "type": "message",
            "id": "p1",
            "text": "hi",
            "author": {"id": "x1", "name": "Ann", "email": "Ann@Example.org"},
        }
    )
    post_json(
        api,
        "/api/v1/inquiries/",
        {"text": "hi", "author": {"name": "Ann", "email": "ann@example.org"}},
    )

    assert Contact.objects.count() == 1
    assert Contact.objects.get().identities.count() == 2

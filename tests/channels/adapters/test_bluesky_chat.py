"""Bluesky direct messages through chat.bsky: read from the conversation log by the poll,
answered into the same conversation."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from channels.models import Channel
from channels.services import create_channel
from tests.fakes.bluesky import APP_PASSWORD, HANDLE, FakeBluesky
from tickets.models import Message, Ticket

Poll = Callable[[Channel], str]
SENDER = "did:plc:m4r3nk8v2q9xw7y6t5s4r3q2"
CONVO = "3ksq2ekz7gc2k"


@pytest.fixture
def bluesky() -> Iterator[FakeBluesky]:
    with FakeBluesky().running() as fake:
        yield fake


@pytest.fixture
def channel(db: None, bluesky: FakeBluesky) -> Channel:
    return create_channel(
        kind="bluesky",
        name="Bluesky",
        values={
            "service_url": bluesky.url,
            "handle": HANDLE,
            "app_password": APP_PASSWORD,
            "direct_messages": "true",
        },
    )


def test_a_direct_message_becomes_a_private_ticket_and_the_answer_goes_to_the_chat(
    channel: Channel, bluesky: FakeBluesky, poll: Poll, reply_to: Any
) -> None:
    bluesky.add_chat_message(CONVO, SENDER, "Older message, before the channel existed")
    poll(channel)
    bluesky.add_chat_message(CONVO, SENDER, "Hallo, meine Bestellung 4711 ist nicht angekommen.")

    poll(channel)

    message = Message.objects.get()
    assert message.text == "Hallo, meine Bestellung 4711 ist nicht angekommen."
    assert message.conversation.is_private
    assert message.author_identity.handle.startswith("@m4r3nk8v")
    sent = reply_to(Ticket.objects.get(), "Wir prüfen die Sendung und melden uns.")
    assert sent.delivery_state == "sent"
    assert bluesky.chat_sent == [
        {"convoId": CONVO, "message": {"text": "Wir prüfen die Sendung und melden uns."}}
    ]


def test_our_answer_read_back_from_the_log_is_no_new_ticket_and_the_next_message_joins(
    channel: Channel, bluesky: FakeBluesky, poll: Poll, reply_to: Any
) -> None:
    poll(channel)
    bluesky.add_chat_message(CONVO, SENDER, "Wo ist mein Paket?")
    poll(channel)
    reply_to(Ticket.objects.get(), "Es ist unterwegs.")
    bluesky.add_chat_message(CONVO, SENDER, "Danke!")

    poll(channel)

    assert Ticket.objects.count() == 1
    texts = list(Message.objects.order_by("id").values_list("direction", "text"))
    assert texts == [
        ("in", "Wo ist mein Paket?"),
        ("out", "Es ist unterwegs."),
        ("in", "Danke!"),
    ]

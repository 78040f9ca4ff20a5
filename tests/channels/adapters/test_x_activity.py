"""X Activity API (XAA): recorded event deliveries, and the webhook registered, CRC-checked,
subscribed and delivered to by a fake X on 127.0.0.1."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from channels.models import Channel, InboundEvent
from channels.platforms.models import MessageRevision
from channels.services import create_channel, update_channel
from tests.channels.conftest import run_command
from tests.fakes.fixtures import fixture_json
from tests.fakes.webhooks import body_of, deliver, x_signature
from tests.fakes.x import ACCOUNT_ID, APP_BEARER, CONSUMER_SECRET, TOKEN, FakeX
from tickets.models import Message, Ticket

MENTION_ID = "2095000000000000101"


@pytest.fixture
def x() -> Iterator[FakeX]:
    with FakeX().running() as fake:
        yield fake


@pytest.fixture
def channel(db: None, x: FakeX) -> Channel:
    values = {
        "account_id": ACCOUNT_ID,
        "handle": "infopark",
        "api_url": x.url,
        "consumer_secret": CONSUMER_SECRET,
        "access_token": TOKEN,
    }
    return create_channel(kind="x", name="X", values=values)


@pytest.fixture
def send(channel: Channel, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    def post(payload: Any, *, signed: bool = True) -> Any:
        body = body_of(payload)
        return deliver(
            channel,
            body,
            header="x-twitter-webhooks-signature",
            signature=x_signature(CONSUMER_SECRET, body) if signed else None,
            capture=django_capture_on_commit_callbacks,
        )

    return post


def event(name: str) -> dict[str, Any]:
    return fixture_json("x", f"activity_{name}")


def test_a_mention_event_becomes_a_ticket_with_its_author(send: Any) -> None:
    response = send(event("post_mention_create__mention"))

    assert response.status_code == 200, response.content
    message = Message.objects.get(platform_id=MENTION_ID)
    assert message.text.startswith("@infopark seit dem Update startet die App nicht mehr")
    assert message.author_identity.handle == "@maren_k"
    assert message.author_identity.display_name == "Maren Kühn"
    assert message.url == f"https://x.com/maren_k/status/{MENTION_ID}"
    assert Ticket.objects.count() == 1


def test_the_same_event_delivered_twice_is_stored_once(send: Any) -> None:
    send(event("post_mention_create__mention"))

    again = send(event("post_mention_create__mention"))

    assert again.json() == {"status": "duplicate"}
    assert InboundEvent.objects.get().delivery_id == f"xaa:{MENTION_ID}"


def test_an_event_for_another_account_is_acknowledged_and_kept_as_unsupported(send: Any) -> None:
    payload = event("post_mention_create__mention")
    payload["data"]["filter"]["user_id"] = "42"

    response = send(payload)

    # X retries any other answer and then disables the webhook: acknowledged, kept, counted.
    assert response.status_code == 200
    kept = InboundEvent.objects.get()
    assert kept.state == "unsupported" and "42" in kept.last_error


def test_an_unsigned_event_is_refused(send: Any) -> None:
    response = send(event("post_mention_create__mention"), signed=False)

    assert response.status_code == 403
    assert not InboundEvent.objects.exists()


def test_a_reply_to_our_answer_joins_the_conversation_and_our_echo_is_not_a_ticket(
    send: Any, reply_to: Any
) -> None:
    send(event("post_mention_create__mention"))
    sent = reply_to(Ticket.objects.get(), "Bitte installieren Sie Version 4.2.2.")
    echo = event("post_mention_create__mention")
    echo["data"].update(event_type="post.create", event_uuid=sent.platform_id)
    echo["data"]["payload"].update(id=sent.platform_id, author_id=ACCOUNT_ID, text=sent.text)
    send(echo)
    answer = event("post_reply_create__reply")
    answer["data"]["payload"]["referenced_tweets"][0]["id"] = sent.platform_id

    send(answer)

    latest = Message.objects.get(platform_id="2095000000000000301")
    assert latest.parent == sent
    assert latest.author_identity.display_name == "Maren Kühn"
    assert Ticket.objects.count() == 1
    assert Message.objects.count() == 3


def test_a_direct_message_event_is_private_and_answered_by_direct_message(
    send: Any, x: FakeX, reply_to: Any
) -> None:
    send(event("dm_received__message"))
    message = Message.objects.get()
    assert message.conversation.is_private
    assert message.author_identity.handle == "@maren_k"

    reply_to(Ticket.objects.get(), "Gern, wir ändern die Adresse.")

    assert x.dms[0]["to"] == "783214"


def test_a_deleted_post_event_removes_the_message_text(send: Any) -> None:
    send(event("post_mention_create__mention"))

    send(event("post_delete__removed"))

    message = Message.objects.get(platform_id=MENTION_ID)
    assert "0x80070005" not in message.text
    assert message.revisions.get().kind == MessageRevision.Kind.REMOVED


def test_known_events_are_ignored_with_reasons_and_unknown_ones_kept(send: Any) -> None:
    for name in (
        "like_create__like",
        "profile_update_bio__change",
        "oauth_revoke__revoked",
        "bookmark_create__unknown",
    ):
        assert send(event(name)).status_code == 200

    states = list(InboundEvent.objects.order_by("id").values_list("state", "last_error"))
    assert states == [
        ("ignored", "a like"),
        ("ignored", "a profile change"),
        ("ignored", "the account revoked socialdesk's access on X; connect it again"),
        ("unsupported", "unknown X Activity event 'bookmark.create'"),
    ]


@pytest.fixture
def public_channel(channel: Channel, live_server: Any, settings: Any) -> Channel:
    settings.PUBLIC_BASE_URL = live_server.url
    return update_channel(
        channel=channel, values={"app_bearer_token": APP_BEARER, "poll_mentions": "false"}
    )


def test_subscribe_registers_the_webhook_after_x_checks_our_crc_and_subscribes_once(
    public_channel: Channel, x: FakeX
) -> None:
    output = run_command("x_activity", "subscribe", public_channel.name)

    public_channel.refresh_from_db()
    webhook_id = public_channel.config["webhook_id"]
    assert x.webhooks[webhook_id]["url"] == public_channel.webhook_url
    subscribed = {s["event_type"] for s in x.subscriptions.values()}
    assert {"post.mention.create", "post.reply.create", "dm.received", "post.delete"} <= subscribed
    assert all(s["filter"] == {"user_id": ACCOUNT_ID} for s in x.subscriptions.values())
    assert "Subscribed to post.mention.create" in output
    assert "All subscriptions were in place." in run_command(
        "x_activity", "subscribe", public_channel.name
    )


def test_an_event_x_delivers_to_the_registered_webhook_becomes_a_ticket(
    public_channel: Channel, x: FakeX
) -> None:
    run_command("x_activity", "subscribe", public_channel.name)
    mention = event("post_mention_create__mention")["data"]

    statuses = x.emit("post.mention.create", mention["payload"], mention["includes"])

    assert statuses == [200]
    message = Message.objects.get(platform_id=MENTION_ID)
    assert message.author_identity.display_name == "Maren Kühn"
    assert Ticket.objects.count() == 1


def test_registering_fails_clearly_when_our_crc_answer_is_wrong(
    public_channel: Channel, x: FakeX
) -> None:
    update_channel(channel=public_channel, values={"consumer_secret": "not-the-apps-secret"})

    with pytest.raises(Exception, match="400"):
        run_command("x_activity", "subscribe", public_channel.name)

    assert not x.webhooks

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from channels.models import Channel, InboundEvent
from channels.platforms.models import MessageRevision, PlatformAction
from channels.platforms.tasks import check_tokens
from channels.services import create_channel
from desk.models import Notification
from tests.fakes.fixtures import fixture_json
from tests.fakes.meta import APP_SECRET, IG_ID, PAGE_ID, PAGE_TOKEN, VERIFY_TOKEN, FakeGraph
from tests.fakes.webhooks import body_of, deliver, meta_signature
from tickets.models import Message, Ticket

COMMENT = f"{PAGE_ID}/107823442114161_3034577153476015"
HEADER = "X-Hub-Signature-256"


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakeGraph().running() as fake:
        yield fake


@pytest.fixture
def channel(db: None, graph: FakeGraph) -> Channel:
    return create_channel(
        kind="meta",
        name="Facebook & Instagram",
        values={
            "graph_url": graph.url,
            "app_secret": APP_SECRET,
            "verify_token": VERIFY_TOKEN,
            "page_tokens": f"{PAGE_ID}:{PAGE_TOKEN}",
            "instagram_accounts": f"{IG_ID}:{PAGE_ID}",
        },
    )


@pytest.fixture
def send(channel: Channel, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    def post(payload: Any, *, secret: str = APP_SECRET, signed: bool = True) -> Any:
        body = body_of(payload)
        return deliver(
            channel,
            body,
            header=HEADER,
            signature=meta_signature(secret, body) if signed else None,
            capture=django_capture_on_commit_callbacks,
        )

    return post


def event(name: str) -> dict[str, Any]:
    return fixture_json("meta", name)


def test_the_verification_handshake_echoes_the_challenge(channel: Channel) -> None:
    response = Client().get(
        channel.webhook_path,
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"},
    )

    assert response.status_code == 200
    assert response.content == b"1158201444"


def test_a_handshake_with_the_wrong_verify_token_is_refused(channel: Channel) -> None:
    response = Client().get(
        channel.webhook_path,
        {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"},
    )

    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_a_page_comment_becomes_a_ticket(send: Any) -> None:
    assert send(event("feed__comment")).status_code == 200

    message = Message.objects.get(platform_id=COMMENT)
    assert message.text.startswith("Dzień dobry, od wczoraj nie mogę się zalogować")
    assert message.author_identity.display_name == "Jana Nowak"
    assert not message.conversation.is_private
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("signed, secret", [(False, APP_SECRET), (True, "wrong")])
def test_a_delivery_with_a_missing_or_wrong_signature_is_refused_and_not_stored(
    send: Any, signed: bool, secret: str
) -> None:
    response = send(event("feed__comment"), signed=signed, secret=secret)

    assert response.status_code == 403
    assert not InboundEvent.objects.exists()
    assert not Message.objects.exists()


def test_a_replayed_delivery_creates_nothing_new(send: Any) -> None:
    send(event("feed__comment"))

    assert send(event("feed__comment")).json() == {"status": "duplicate"}
    assert InboundEvent.objects.count() == 1
    assert Message.objects.count() == 1


def test_a_delivery_for_an_object_type_we_do_not_handle_is_acknowledged_and_unsupported(
    send: Any,
) -> None:
    # Meta retries a refused delivery and at last disables the subscription.
    response = send({"object": "whatsapp_business_account", "entry": []})

    assert response.status_code == 200
    stored = InboundEvent.objects.get()
    assert stored.state == "unsupported"
    assert "whatsapp_business_account" in stored.last_error


def test_a_follow_up_comment_by_the_same_person_joins_the_conversation(send: Any) -> None:
    send(event("feed__comment"))
    follow_up = event("feed__comment_reply")
    follow_up["entry"][0]["changes"][0]["value"]["from"] = {
        "id": "6483927145021832",
        "name": "Jana Nowak",
    }

    send(follow_up)

    first, second = Message.objects.order_by("id")
    assert second.parent == first
    assert second.conversation == first.conversation
    assert Ticket.objects.count() == 1


def test_an_edited_comment_updates_the_text_and_keeps_the_previous_one(
    send: Any, staff_client: Client
) -> None:
    send(event("feed__comment"))

    send(event("feed__comment_edited"))

    message = Message.objects.get(platform_id=COMMENT)
    assert "(błąd 503)" in message.text
    revision = message.revisions.get()
    assert revision.kind == MessageRevision.Kind.EDITED
    assert "(błąd 503)" not in revision.previous_text
    ticket = Ticket.objects.get()
    assert ticket.events.filter(kind="message_edited").exists()
    page = staff_client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Edited on the platform" in page


def test_an_edit_of_a_comment_we_never_saw_is_ingested_with_its_new_text(send: Any) -> None:
    send(event("feed__comment_edited"))

    assert "(błąd 503)" in Message.objects.get(platform_id=COMMENT).text
    assert not MessageRevision.objects.exists()


def test_a_removed_comment_is_marked_and_its_text_erased(send: Any) -> None:
    send(event("feed__comment"))
    send(event("feed__comment_edited"))

    send(event("feed__comment_removed"))

    message = Message.objects.get(platform_id=COMMENT)
    assert "zalogować" not in message.text
    assert list(message.revisions.values_list("kind", "previous_text")) == [
        ("edited", ""),
        ("removed", ""),
    ]


def test_our_reply_is_posted_under_the_comment_and_its_echo_not_ingested(
    send: Any, graph: FakeGraph, reply_to: Any
) -> None:
    send(event("feed__comment"))

    sent = reply_to(Ticket.objects.get(), "Przepraszamy, pracujemy nad tym.")

    assert graph.comments == [
        {
            "id": sent.platform_id.split("/")[1],
            "edge": "comments",
            "parent": "107823442114161_3034577153476015",
            "message": "Przepraszamy, pracujemy nad tym.",
        }
    ]
    echo = event("feed__own_comment")
    echo["entry"][0]["changes"][0]["value"]["comment_id"] = sent.platform_id.split("/")[1]
    send(echo)
    assert Message.objects.count() == 2


def test_a_messenger_message_opens_a_private_ticket_with_its_24_hour_window(
    send: Any, staff_client: Client
) -> None:
    send(event("messaging__message"))

    message = Message.objects.get()
    assert message.conversation.is_private
    window = message.conversation.messaging_window
    assert window.closes_at == message.created_at + timedelta(hours=24)
    page = staff_client.get(f"/tickets/{Ticket.objects.get().pk}/").content.decode()
    assert "Reply possible until" in page
    assert "messaging window has closed" in page  # the recorded message is old


def test_further_messages_from_the_person_join_their_conversation(send: Any) -> None:
    send(event("messaging__message"))
    later = event("messaging__message")
    later["entry"][0]["messaging"][0]["message"]["mid"] = "m_second"
    later["entry"][0]["messaging"][0]["timestamp"] = 1772450000000

    send(later)

    first, second = Message.objects.order_by("id")
    assert second.conversation == first.conversation
    assert first.conversation.messaging_window.closes_at == second.created_at + timedelta(hours=24)
    assert Ticket.objects.count() == 1


def test_a_messenger_reply_goes_to_the_person_and_its_echo_is_not_ingested(
    send: Any, graph: FakeGraph, reply_to: Any
) -> None:
    send(event("messaging__message"))

    sent = reply_to(Ticket.objects.get(), "Vi kollar direkt!")

    assert graph.messages[0]["recipient"] == {"id": "7041234567890123"}
    assert graph.messages[0]["page"] == PAGE_ID
    assert sent.delivery_state == "sent"
    echo = event("messaging__echo")
    echo["entry"][0]["messaging"][0]["message"]["mid"] = sent.platform_id.split("/")[1]
    send(echo)
    assert Message.objects.count() == 2


def test_a_reply_after_the_messaging_window_fails_with_a_clear_reason(
    send: Any, graph: FakeGraph, reply_to: Any
) -> None:
    send(event("messaging__message"))
    graph.window_closed = True

    sent = reply_to(Ticket.objects.get(), "Hej!")

    assert sent.delivery_state == "failed"
    assert "24-hour messaging window has closed" in sent.delivery_error


def test_an_edited_messenger_message_updates_its_text(send: Any) -> None:
    send(event("messaging__message"))

    send(event("messaging__edit"))

    assert "88413" in Message.objects.get().text


def test_instagram_comments_mentions_and_messages_become_tickets(
    send: Any, graph: FakeGraph
) -> None:
    send(event("instagram__comment"))
    send(event("instagram__mention"))
    send(event("instagram__message"))

    comment = Message.objects.get(platform_id=f"{IG_ID}/17865799348089039")
    assert comment.author_identity.handle == "@lena.svensson"
    mention = Message.objects.get(platform_id=f"{IG_ID}/17858893269000001")
    assert mention.text == "Schaut mal @infopark, die Keynote war super!"
    assert "mentioned_comment.comment_id(17858893269000001)" in graph.calls(f"/v23.0/{IG_ID}")[
        0
    ].arg("fields")
    dm = Message.objects.get(conversation__is_private=True)
    assert dm.text == "Hi, is the shop open on Sunday?"
    assert Ticket.objects.count() == 3


def test_an_instagram_comment_is_answered_under_replies(
    send: Any, graph: FakeGraph, reply_to: Any
) -> None:
    send(event("instagram__comment"))

    reply_to(Ticket.objects.get(), "Biljetterna kommer på måndag!")

    assert graph.comments[0]["edge"] == "replies"
    assert graph.comments[0]["parent"] == "17865799348089039"


def test_known_events_are_ignored_and_unknown_ones_kept_as_unsupported(send: Any) -> None:
    for name in (
        "feed__reaction",
        "messaging__read",
        "feed__unknown_item",
        "instagram__unknown_field",
    ):
        send(event(name))

    states = list(InboundEvent.objects.order_by("id").values_list("state", flat=True))
    assert states == ["ignored", "ignored", "unsupported", "unsupported"]
    assert not Message.objects.exists()


def test_events_for_a_page_not_on_this_channel_are_acknowledged_and_unsupported(
    send: Any,
) -> None:
    other = event("feed__comment")
    other["entry"][0]["id"] = "999"

    assert send(other).status_code == 200

    stored = InboundEvent.objects.get()
    assert (stored.state, "'999'" in stored.last_error) == ("unsupported", True)
    assert not Message.objects.exists()


def test_hiding_a_comment_hides_it_on_facebook_and_takes_the_ticket_out_of_the_queue(
    send: Any, graph: FakeGraph, staff_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    send(event("feed__comment"))
    ticket = Ticket.objects.get()
    message = Message.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/tickets/{ticket.pk}/messages/{message.pk}/hide/")

    assert graph.hidden == {"107823442114161_3034577153476015": {"is_hidden": ["true"]}}
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.IGNORED
    assert PlatformAction.objects.get().state == "done"


def test_a_private_reply_answers_the_comment_in_the_inbox_once(
    send: Any, graph: FakeGraph, staff_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    send(event("feed__comment"))
    ticket = Ticket.objects.get()
    comment = Message.objects.get()
    url = f"/tickets/{ticket.pk}/messages/{comment.pk}/private-reply/"

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"text": "Prosimy o numer klienta."})
    second = staff_client.post(url, {"text": "Again"}, follow=True)

    assert graph.messages[0]["recipient"] == {"comment_id": "107823442114161_3034577153476015"}
    sent = Message.objects.get(direction="out")
    assert sent.parent == comment
    assert sent.delivery_state == "sent"
    assert "already requested" in second.content.decode()
    assert len(graph.messages) == 1


def test_a_rejected_page_token_disables_the_channel_with_the_reason(
    channel: Channel, send: Any, graph: FakeGraph, reply_to: Any, staff_client: Client
) -> None:
    send(event("feed__comment"))
    graph.token = "a-new-token-after-a-password-change"

    sent = reply_to(Ticket.objects.get(), "Przepraszamy.")

    channel.refresh_from_db()
    assert sent.delivery_state == "failed"
    assert not channel.is_active
    assert "OAuthException 190" in channel.why_disabled
    assert "OAuthException 190" in staff_client.get("/channels/").content.decode()


def test_staff_are_warned_once_before_the_page_token_expires(
    channel: Channel, django_user_model: Any
) -> None:
    django_user_model.objects.create_user("lead", is_staff=True, email="lead@example.org")
    soon = (timezone.now() + timedelta(days=3)).date().isoformat()
    channel.config = {**channel.config, "token_expires_at": soon}
    channel.save()

    check_tokens.apply()
    check_tokens.apply()

    notification = Notification.objects.get()
    assert notification.title == f"The token of channel {channel.name} expires on {soon}"


def test_an_expired_page_token_disables_the_channel(channel: Channel) -> None:
    channel.config = {**channel.config, "token_expires_at": "2020-01-01"}
    channel.save()

    check_tokens.apply()

    channel.refresh_from_db()
    assert not channel.is_active
    assert "expired on 2020-01-01" in channel.why_disabled


def test_an_open_messaging_window_shows_the_time_left(send: Any, staff_client: Client) -> None:
    fresh = event("messaging__message")
    fresh["entry"][0]["messaging"][0]["timestamp"] = int(timezone.now().timestamp() * 1000)

    send(fresh)

    page = staff_client.get(f"/tickets/{Ticket.objects.get().pk}/").content.decode()
    assert "23\xa0hours" in page and "left" in page

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import CommandError
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from channels.models import Channel, InboundEvent
from channels.services import create_channel
from channels.tasks import deliver_message
from tests.channels.conftest import LONG_TEXT
from tests.fakes.bluesky import APP_PASSWORD, HANDLE, FakeBluesky
from tests.fakes.fixtures import fixture_json
from tickets.models import Message, Ticket

Poll = Callable[[Channel], str]
MENTION_URI = "at://did:plc:4vkqxdn6ymrmzbqtnbbkxx2p/app.bsky.feed.post/3kmbe4yhvtk2a"


@pytest.fixture
def bluesky() -> Iterator[FakeBluesky]:
    with FakeBluesky().running() as fake:
        yield fake


@pytest.fixture
def channel(db: None, bluesky: FakeBluesky) -> Channel:
    return create_channel(
        kind="bluesky",
        name="Bluesky",
        values={"service_url": bluesky.url, "handle": HANDLE, "app_password": APP_PASSWORD},
        tracked_terms=["#iico{year}"],
    )


def notification(name: str, **record: Any) -> dict[str, Any]:
    payload = fixture_json("bluesky", f"notification__{name}")
    payload["record"].update(record)
    return payload


def test_mentions_and_replies_become_one_ticket_and_likes_are_ignored(
    channel: Channel, bluesky: FakeBluesky, poll: Poll
) -> None:
    for name in ("mention", "reply", "like"):
        bluesky.add_notification(notification(name))

    poll(channel)

    states = sorted(InboundEvent.objects.values_list("state", flat=True))
    assert states == ["done", "done", "ignored"]
    mention = Message.objects.get(platform_id=MENTION_URI)
    assert mention.text.startswith("@infopark.bsky.social Passwort zurücksetzen")
    assert mention.url == "https://bsky.app/profile/lukas.bsky.social/post/3kmbe4yhvtk2a"
    assert mention.author_identity.handle == "@lukas.bsky.social"
    assert Ticket.objects.count() == 1


def test_a_reply_to_our_answer_joins_the_conversation_through_the_thread_root(
    channel: Channel, bluesky: FakeBluesky, poll: Poll
) -> None:
    bluesky.add_notification(notification("mention"))
    poll(channel)
    bluesky.add_notification(notification("reply"))  # its parent is a post we never saw

    poll(channel)

    first, second = Message.objects.order_by("id")
    assert second.conversation == first.conversation
    assert second.parent == first


def test_an_unknown_notification_reason_is_kept_as_unsupported(
    channel: Channel, bluesky: FakeBluesky, poll: Poll
) -> None:
    bluesky.add_notification(notification("unknown"))

    poll(channel)

    assert InboundEvent.objects.get().state == "unsupported"
    assert "contact-match" in InboundEvent.objects.get().last_error


def test_tracked_terms_are_searched_with_this_years_tag(
    channel: Channel, bluesky: FakeBluesky, poll: Poll
) -> None:
    post = fixture_json("bluesky", "post__search")
    year = timezone.localdate().year
    post["record"]["text"] = post["record"]["text"].replace("iico2026", f"iico{year}")
    bluesky.add_post(post, searchable=True)

    poll(channel)

    searched = {r.arg("q") for r in bluesky.calls("/xrpc/app.bsky.feed.searchPosts")}
    assert f"#iico{year}" in searched
    assert Message.objects.get().platform_id == post["uri"]


def test_a_post_found_by_search_and_as_a_mention_is_one_message(
    channel: Channel, bluesky: FakeBluesky, poll: Poll
) -> None:
    mention = notification(
        "mention", text=f"@infopark.bsky.social #iico{timezone.localdate().year}"
    )
    bluesky.add_notification(mention)
    bluesky.add_post(
        {k: mention[k] for k in ("uri", "cid", "author", "record", "indexedAt")}, searchable=True
    )

    output = poll(channel)

    assert "1 new event, 1 already known" in output
    assert Message.objects.count() == 1


def test_polling_again_creates_nothing_new(
    channel: Channel, bluesky: FakeBluesky, poll: Poll
) -> None:
    bluesky.add_notification(notification("mention"))
    poll(channel)
    Channel.objects.filter(pk=channel.pk).update(poll_cursor={})

    poll(channel)

    assert InboundEvent.objects.count() == 1
    assert Message.objects.count() == 1


def test_an_expired_session_is_refreshed_without_a_new_login(
    channel: Channel, bluesky: FakeBluesky, poll: Poll
) -> None:
    poll(channel)
    bluesky.expire_access_tokens()
    bluesky.add_notification(notification("mention"))

    poll(channel)

    assert len(bluesky.calls("/xrpc/com.atproto.server.createSession")) == 1
    assert len(bluesky.calls("/xrpc/com.atproto.server.refreshSession")) == 1
    assert Message.objects.count() == 1


def test_a_wrong_app_password_disables_the_channel(
    channel: Channel, bluesky: FakeBluesky, poll: Poll
) -> None:
    channel.credentials = {"app_password": "main-password"}
    channel.save()

    with pytest.raises(CommandError, match="Invalid identifier or password"):
        poll(channel)

    channel.refresh_from_db()
    assert not channel.is_active


def test_429_and_500_answers_are_retried_and_nothing_is_lost(
    channel: Channel, bluesky: FakeBluesky, poll: Poll
) -> None:
    bluesky.add_notification(notification("mention"))
    bluesky.fail_next("/xrpc/app.bsky.notification.listNotifications", 429, retry_after="0")
    bluesky.fail_next("/xrpc/app.bsky.notification.listNotifications", 500)

    poll(channel)

    assert Message.objects.count() == 1


def test_a_reply_names_the_thread_root_and_the_post_it_answers(
    channel: Channel, bluesky: FakeBluesky, poll: Poll, reply_to: Any
) -> None:
    reply = notification("reply")
    bluesky.add_notification(reply)
    poll(channel)

    sent = reply_to(Ticket.objects.get(), "Wir schicken den Link erneut.")

    created = bluesky.calls("/xrpc/com.atproto.repo.createRecord")[0].json()
    assert created["record"]["reply"] == {
        "root": reply["record"]["reply"]["root"],
        "parent": {"uri": reply["uri"], "cid": reply["cid"]},
    }
    assert created["record"]["text"] == "Wir schicken den Link erneut."
    assert sent.delivery_state == "sent"
    assert sent.platform_id == f"at://{bluesky.did}/app.bsky.feed.post/{created['rkey']}"


def test_a_reply_whose_answer_was_lost_is_found_instead_of_posted_again(
    channel: Channel, bluesky: FakeBluesky, poll: Poll, reply_to: Any
) -> None:
    bluesky.add_notification(notification("mention"))
    poll(channel)
    bluesky.fail_next("/xrpc/com.atproto.repo.createRecord", 502, after_processing=True)

    sent = reply_to(Ticket.objects.get(), "We are on it.")
    assert sent.delivery_state == "queued"
    deliver_message.apply(args=(sent.pk,))

    sent.refresh_from_db()
    assert sent.delivery_state == "sent"
    assert len(bluesky.records) == 1
    assert len(bluesky.calls("/xrpc/com.atproto.repo.createRecord")) == 1
    assert sent.delivery_attempts.filter(outcome="found").exists()


def test_a_reply_over_300_characters_is_refused(
    channel: Channel, bluesky: FakeBluesky, poll: Poll, staff_client: Client
) -> None:
    bluesky.add_notification(notification("mention"))
    poll(channel)

    response = staff_client.post(
        f"/tickets/{Ticket.objects.get().pk}/reply/",
        {"text": "y" * 301, "voice": "company"},
        follow=True,
    )

    assert "Bluesky allows 300 characters" in response.content.decode()
    assert not bluesky.records


def test_a_10kb_post_with_emoji_rtl_and_zero_width_text_survives_escaped(
    channel: Channel, bluesky: FakeBluesky, poll: Poll, staff_client: Client
) -> None:
    bluesky.add_notification(notification("mention", text=LONG_TEXT))

    poll(channel)

    message = Message.objects.get()
    assert message.text == LONG_TEXT
    page = staff_client.get(f"/tickets/{Ticket.objects.get().pk}/").content.decode()
    assert escape(LONG_TEXT) in page

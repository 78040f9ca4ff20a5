import time
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
from tests.fakes.fixtures import fixture_json
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tickets.models import Message, Ticket

Poll = Callable[[Channel], str]


@pytest.fixture
def mastodon() -> Iterator[FakeMastodon]:
    with FakeMastodon().running() as fake:
        yield fake


@pytest.fixture
def channel(db: None, mastodon: FakeMastodon) -> Channel:
    return create_channel(
        kind="mastodon",
        name="Mastodon",
        values={"instance_url": mastodon.url, "access_token": TOKEN},
        tracked_terms=["#iico{year}"],
    )


def status(variant: str, **changes: Any) -> dict[str, Any]:
    return {**fixture_json("mastodon", f"status__{variant}"), **changes}


def mention(status_id: str, notification_id: str, **changes: Any) -> dict[str, Any]:
    notification = fixture_json("mastodon", "notification__mention")
    notification["id"] = notification_id
    notification["status"].update(id=status_id, **changes)
    return notification


def prime(channel: Channel, poll: Poll) -> None:
    """A first poll sets the cursors; the backlog before it is not the desk's work."""
    poll(channel)
    channel.refresh_from_db()


def test_mentions_and_tracked_hashtags_become_tickets(
    channel: Channel, mastodon: FakeMastodon, poll: Poll
) -> None:
    mastodon.add_notification(fixture_json("mastodon", "notification__mention"))
    year = timezone.localdate().year
    mastodon.add_to_tag(f"iico{year}", status("hashtag"))

    poll(channel)

    assert Ticket.objects.count() == 2
    first = Message.objects.get(platform_id="112033411948221876")
    assert first.text.startswith("@infopark Seit dem Update stürzt die App beim Start ab & ich")
    assert "https://paste.example.org/raw/8f3k2" in first.text
    assert first.url == "https://chaos.social/@anna/112033411948221876"
    assert first.author_identity.handle == "@anna@chaos.social"
    assert first.attachments.get().content_type == "image/*"
    assert mastodon.calls(f"/api/v1/timelines/tag/iico{year}")


def test_polling_the_same_posts_again_stores_and_creates_nothing_new(
    channel: Channel, mastodon: FakeMastodon, poll: Poll
) -> None:
    mastodon.add_notification(fixture_json("mastodon", "notification__mention"))
    poll(channel)
    Channel.objects.filter(pk=channel.pk).update(poll_cursor={})  # forget where we were

    output = poll(channel)

    assert "0 new events, 1 already known" in output
    assert InboundEvent.objects.count() == 1
    assert Message.objects.count() == 1


def test_a_post_seen_as_mention_and_under_a_hashtag_is_one_message(
    channel: Channel, mastodon: FakeMastodon, poll: Poll
) -> None:
    notification = fixture_json("mastodon", "notification__mention")
    mastodon.add_notification(notification)
    mastodon.add_to_tag(f"iico{timezone.localdate().year}", notification["status"])

    poll(channel)

    assert InboundEvent.objects.count() == 2
    assert Message.objects.count() == 1


def test_pages_are_followed_with_min_id_so_nothing_is_skipped(
    channel: Channel, mastodon: FakeMastodon, poll: Poll
) -> None:
    prime(channel, poll)
    for n in range(95):
        mastodon.add_notification(mention(str(200000000000000000 + n), str(40000000 + n)))

    poll(channel)

    assert Message.objects.count() == 95
    assert len(mastodon.calls("/api/v1/notifications")) == 1 + 3


def test_a_reply_joins_the_conversation_of_the_post_it_answers(
    channel: Channel, mastodon: FakeMastodon, poll: Poll
) -> None:
    mastodon.add_notification(fixture_json("mastodon", "notification__mention"))
    poll(channel)
    reply = mention("112033611977331100", "34975870")
    reply["status"] = status("reply")
    mastodon.add_notification(reply)

    poll(channel)

    first, second = Message.objects.order_by("id")
    assert second.parent == first
    assert second.conversation == first.conversation
    assert Ticket.objects.count() == 1


def test_a_429_is_waited_out_as_retry_after_says_and_nothing_is_lost(
    channel: Channel, mastodon: FakeMastodon, poll: Poll
) -> None:
    mastodon.add_notification(fixture_json("mastodon", "notification__mention"))
    mastodon.fail_next("/api/v1/notifications", 429, retry_after="1")

    started = time.monotonic()
    poll(channel)

    assert time.monotonic() - started >= 1
    assert Message.objects.count() == 1


def test_a_long_retry_after_postpones_the_poll_and_keeps_the_cursor(
    channel: Channel, mastodon: FakeMastodon, poll: Poll
) -> None:
    mastodon.add_notification(fixture_json("mastodon", "notification__mention"))
    mastodon.fail_next("/api/v1/notifications", 429, retry_after="900")

    with pytest.raises(CommandError, match="rate limited"):
        poll(channel)

    channel.refresh_from_db()
    assert channel.next_poll_at > timezone.now() + timezone.timedelta(seconds=850)
    assert "notifications" not in channel.poll_cursor
    assert channel.is_active
    poll(channel)  # the platform lets us in again
    assert Message.objects.count() == 1


def test_500s_are_retried_within_the_poll(
    channel: Channel, mastodon: FakeMastodon, poll: Poll
) -> None:
    mastodon.add_notification(fixture_json("mastodon", "notification__mention"))
    mastodon.fail_next("/api/v1/notifications", 500, times=2)

    poll(channel)

    assert Message.objects.count() == 1


def test_a_platform_that_keeps_failing_backs_off_and_loses_nothing(
    channel: Channel, mastodon: FakeMastodon, poll: Poll
) -> None:
    prime(channel, poll)
    mastodon.add_notification(fixture_json("mastodon", "notification__mention"))
    mastodon.fail_next("/api/v1/notifications", 503, times=4)

    with pytest.raises(CommandError, match="503"):
        poll(channel)

    channel.refresh_from_db()
    assert channel.consecutive_failures == 1
    assert channel.health == "failing"
    assert channel.next_poll_at > timezone.now() + timezone.timedelta(seconds=60)
    poll(channel)
    assert Message.objects.count() == 1


def test_a_rejected_token_disables_the_channel_with_the_reason(
    channel: Channel, mastodon: FakeMastodon, poll: Poll
) -> None:
    channel.credentials = {"access_token": "revoked"}
    channel.save()

    with pytest.raises(CommandError, match="access token is invalid"):
        poll(channel)

    channel.refresh_from_db()
    assert not channel.is_active
    assert "401" in channel.why_disabled


def test_known_notifications_are_ignored_and_unknown_ones_kept_as_unsupported(
    channel: Channel, mastodon: FakeMastodon, poll: Poll
) -> None:
    mastodon.filters_types = False
    mastodon.add_notification(fixture_json("mastodon", "notification__favourite"))
    mastodon.add_notification(fixture_json("mastodon", "notification__annual_report"))

    poll(channel)

    states = dict(InboundEvent.objects.values_list("delivery_id", "state"))
    assert states == {
        "notification:34975990": "ignored",
        "notification:34976001": "unsupported",
    }
    assert not Message.objects.exists()


def test_a_reply_is_posted_in_the_thread_with_the_original_visibility(
    channel: Channel, mastodon: FakeMastodon, poll: Poll, reply_to: Any
) -> None:
    mastodon.add_notification(mention("112033411948221876", "1", visibility="direct"))
    poll(channel)

    sent = reply_to(Ticket.objects.get(), "Danke, wir schauen uns das an.")

    posted = mastodon.calls("/api/v1/statuses", "POST")[0].json()
    assert posted == {
        "status": "@anna@chaos.social Danke, wir schauen uns das an.",
        "in_reply_to_id": "112033411948221876",
        "visibility": "direct",
    }
    assert sent.delivery_state == "sent"
    assert sent.platform_id == mastodon.posted[0]["id"]
    assert sent.url.startswith("https://mastodon.social/@infopark/")


def test_a_reply_whose_answer_was_lost_is_not_posted_twice(
    channel: Channel, mastodon: FakeMastodon, poll: Poll, reply_to: Any
) -> None:
    mastodon.add_notification(fixture_json("mastodon", "notification__mention"))
    poll(channel)
    # The instance posts the status, then the answer is lost, four times over.
    mastodon.fail_next("/api/v1/statuses", 502, times=4, after_processing=True, method="POST")

    sent = reply_to(Ticket.objects.get(), "We are on it.")
    assert sent.delivery_state == "queued"  # a transient failure: retried later
    assert "502" in sent.delivery_error

    deliver_message.apply(args=(sent.pk,))

    sent.refresh_from_db()
    assert sent.delivery_state == "sent"
    assert len(mastodon.posted) == 1
    assert sent.platform_id == mastodon.posted[0]["id"]


def test_a_reply_over_the_limit_is_refused_before_anything_is_sent(
    channel: Channel, mastodon: FakeMastodon, poll: Poll, staff_client: Client
) -> None:
    mastodon.add_notification(fixture_json("mastodon", "notification__mention"))
    poll(channel)
    ticket = Ticket.objects.get()

    response = staff_client.post(
        f"/tickets/{ticket.pk}/reply/", {"text": "x" * 471, "voice": "company"}, follow=True
    )

    assert "Mastodon allows 470 characters" in response.content.decode()
    assert not mastodon.calls("/api/v1/statuses", "POST")
    assert not Message.objects.filter(direction="out").exists()


def test_html_and_a_10kb_post_survive_as_escaped_text(
    channel: Channel, mastodon: FakeMastodon, poll: Poll, staff_client: Client
) -> None:
    mastodon.add_notification(mention("1", "1", content=f"<p>{escape(LONG_TEXT)}</p>"))
    mastodon.add_notification(fixture_json("mastodon", "notification__mention"))

    poll(channel)

    long_message = Message.objects.get(platform_id="1")
    assert long_message.text == LONG_TEXT.strip()
    html = staff_client.get(f"/tickets/{long_message.conversation.tickets.get().pk}/")
    assert escape(LONG_TEXT.strip()) in html.content.decode()
    other = Message.objects.get(platform_id="112033411948221876").conversation.tickets.get()
    html = staff_client.get(f"/tickets/{other.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html

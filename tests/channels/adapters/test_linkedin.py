import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError
from django.utils import timezone

from channels.models import Channel
from channels.platforms.tasks import check_tokens
from channels.services import create_channel
from tests.fakes.fixtures import fixture_json
from tests.fakes.linkedin import ORG, ORG_ID, POST, REFRESH, TOKEN, FakeLinkedIn
from tickets.models import Message, Ticket

Poll = Callable[[Channel], str]
ACTIVITY = "urn:li:activity:7170000000000000002"
FIRST = f"urn:li:comment:({ACTIVITY},7170000000000000101)"
SECOND = f"urn:li:comment:({ACTIVITY},7170000000000000102)"


@pytest.fixture
def linkedin() -> Iterator[FakeLinkedIn]:
    with FakeLinkedIn().running() as fake:
        yield fake


@pytest.fixture
def channel(db: None, linkedin: FakeLinkedIn) -> Channel:
    return create_channel(
        kind="linkedin",
        name="LinkedIn",
        values={
            "organization_id": ORG_ID,
            "api_url": linkedin.url,
            "token_url": f"{linkedin.url}/oauth/v2/accessToken",
            "access_token": TOKEN,
            "refresh_token": REFRESH,
            "client_id": "li-client",
            "client_secret": "li-secret",
        },
    )


def started(channel: Channel, poll: Poll) -> None:
    """The first poll notes where each post stands; comments after it are the desk's work."""
    poll(channel)


def comments() -> list[dict[str, Any]]:
    return fixture_json("linkedin", "comments__page")["elements"]


def test_every_call_carries_the_versioned_headers(
    channel: Channel, linkedin: FakeLinkedIn, poll: Poll
) -> None:
    poll(channel)

    assert linkedin.requests
    for request in linkedin.requests:
        assert request.headers["LinkedIn-Version"] == "202509"
        assert request.headers["X-Restli-Protocol-Version"] == "2.0.0"


def test_new_comments_on_the_pages_posts_become_tickets_threaded_by_parent(
    channel: Channel, linkedin: FakeLinkedIn, poll: Poll
) -> None:
    started(channel, poll)
    linkedin.comments[POST] = comments()

    poll(channel)

    first = Message.objects.get(platform_id=FIRST)
    second = Message.objects.get(platform_id=SECOND)
    assert first.text == "Czy oferujecie staże dla studentów w Berlinie?"
    assert second.parent == first
    assert Ticket.objects.count() == 2  # two people, each with their own conversation


def test_polling_again_creates_nothing_new_and_an_edit_updates_the_text(
    channel: Channel, linkedin: FakeLinkedIn, poll: Poll
) -> None:
    started(channel, poll)
    linkedin.comments[POST] = comments()
    poll(channel)
    assert "0 new events" in poll(channel)

    linkedin.comments[POST][0] = fixture_json("linkedin", "comment__edited")
    poll(channel)

    message = Message.objects.get(platform_id=FIRST)
    assert message.text == "Czy oferujecie płatne staże dla studentów w Berlinie?"
    assert message.revisions.get().kind == "edited"
    assert Message.objects.count() == 2


def test_a_post_mentioning_the_organization_becomes_a_ticket(
    channel: Channel, linkedin: FakeLinkedIn, poll: Poll
) -> None:
    linkedin.notifications = fixture_json("linkedin", "notifications__share_mention")["elements"]
    post = fixture_json("linkedin", "post__mention")
    linkedin.other_posts[post["id"]] = post

    poll(channel)

    message = Message.objects.get(platform_id=post["id"])
    assert message.text.startswith("Großartiger Vortrag von @Infopark")
    call = linkedin.calls("/rest/organizationalEntityNotifications")[0]
    assert call.arg("actions") == "List(SHARE_MENTION)"
    assert call.arg("timeRange").startswith("(start:")


def test_a_reply_is_posted_as_the_organization_under_the_comment(
    channel: Channel, linkedin: FakeLinkedIn, poll: Poll, reply_to: Any
) -> None:
    started(channel, poll)
    linkedin.comments[POST] = comments()[:1]
    poll(channel)

    sent = reply_to(Ticket.objects.get(), "Ja, bewerben Sie sich bis 31.3.!")

    assert linkedin.created == [
        {
            "target": ACTIVITY,
            "actor": ORG,
            "object": ACTIVITY,
            "parentComment": FIRST,
            "message": {"text": "Ja, bewerben Sie sich bis 31.3.!"},
        }
    ]
    assert sent.delivery_state == "sent"
    assert sent.platform_id.startswith(f"urn:li:comment:({ACTIVITY},")


def test_our_own_comment_found_by_polling_is_not_ingested(
    channel: Channel, linkedin: FakeLinkedIn, poll: Poll
) -> None:
    started(channel, poll)
    linkedin.comments[POST] = [fixture_json("linkedin", "comment__own")]

    poll(channel)

    assert not Message.objects.exists()


def test_a_429_is_waited_out_and_the_poll_completes(
    channel: Channel, linkedin: FakeLinkedIn, poll: Poll
) -> None:
    started(channel, poll)
    linkedin.comments[POST] = comments()
    linkedin.fail_next("/rest/socialActions/", 429, retry_after="1")

    began = time.monotonic()
    poll(channel)

    assert time.monotonic() - began >= 1
    assert Message.objects.count() == 2


def test_a_rejected_token_disables_the_channel_with_the_reason(
    channel: Channel, linkedin: FakeLinkedIn, poll: Poll
) -> None:
    linkedin.token = "something-else"

    with pytest.raises(CommandError, match="LinkedIn rejected the access token"):
        poll(channel)

    channel.refresh_from_db()
    assert not channel.is_active
    assert "Connect the page again" in channel.why_disabled


def test_a_token_near_its_end_is_refreshed_before_it_expires(
    channel: Channel, linkedin: FakeLinkedIn
) -> None:
    channel.config = {
        **channel.config,
        "token_expires_at": (timezone.now() + timedelta(days=2)).isoformat(),
    }
    channel.save()

    check_tokens.apply()

    channel.refresh_from_db()
    assert channel.credentials["access_token"] == "li-access-2"
    expires = channel.adapter().token_expires_at()
    assert expires > timezone.now() + timedelta(days=59)

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import CommandError
from django.utils import timezone

from channels.models import Channel, InboundEvent
from channels.platforms.models import QuotaUsage
from channels.services import create_channel
from desk.ingestion.tasks import process_inbound_event
from tests.channels.conftest import run_command
from tests.fakes.fixtures import fixture_json
from tests.fakes.youtube import CHANNEL_ID, CLIENT_ID, CLIENT_SECRET, REFRESH, FakeYouTube
from tickets.models import Message

Poll = Callable[[Channel], str]
TOP = "UgzDE2tasfmrYLyNkGt4AaABAg"
REPLY = "UgzDE2tasfmrYLyNkGt4AaABAg.A1b2C3d4E5f"


@pytest.fixture
def youtube() -> Iterator[FakeYouTube]:
    with FakeYouTube().running() as fake:
        yield fake


@pytest.fixture
def channel(db: None, youtube: FakeYouTube) -> Channel:
    return create_channel(
        kind="youtube",
        name="YouTube",
        values={
            "channel_id": CHANNEL_ID,
            "api_url": youtube.url,
            "token_url": f"{youtube.url}/token",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH,
        },
        tracked_terms=["#iico{year}"],
    )


def load_threads(youtube: FakeYouTube) -> None:
    youtube.threads = fixture_json("youtube", "comment_threads__page")["items"]


def test_comments_become_tickets_threaded_by_their_parent_comment(
    channel: Channel, youtube: FakeYouTube, poll: Poll
) -> None:
    load_threads(youtube)

    poll(channel)

    top = Message.objects.get(platform_id=TOP)
    reply = Message.objects.get(platform_id=REPLY)
    assert reply.parent == top
    assert top.url == f"https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc={TOP}"
    assert top.author_identity.handle == "@TechTina"
    assert Message.objects.count() == 3


def test_polling_again_stores_only_what_changed_since(
    channel: Channel, youtube: FakeYouTube, poll: Poll
) -> None:
    load_threads(youtube)
    poll(channel)

    output = poll(channel)

    assert "0 new events" in output
    assert Message.objects.count() == 3


def test_an_edited_comment_updates_the_message_and_keeps_the_old_text(
    channel: Channel, youtube: FakeYouTube, poll: Poll
) -> None:
    load_threads(youtube)
    poll(channel)
    youtube.threads[0]["snippet"]["topLevelComment"] = fixture_json("youtube", "comment__edited")

    poll(channel)

    top = Message.objects.get(platform_id=TOP)
    assert "(Chrome 131)" in top.text
    assert "(Chrome 131)" not in top.revisions.get().previous_text
    assert Message.objects.count() == 3


def test_more_than_five_replies_are_fetched_by_parent(
    channel: Channel, youtube: FakeYouTube, poll: Poll
) -> None:
    load_threads(youtube)
    youtube.threads[0]["snippet"]["totalReplyCount"] = 7
    hidden = copy.deepcopy(youtube.threads[0]["replies"]["comments"][0])
    hidden["id"] = f"{TOP}.Zz9"
    youtube.threads[0]["replies"]["comments"].append(hidden)

    poll(channel)

    assert youtube.calls("/youtube/v3/comments")
    assert Message.objects.filter(platform_id=f"{TOP}.Zz9").exists()


def test_a_reply_to_a_reply_is_posted_under_the_top_level_comment(
    channel: Channel, youtube: FakeYouTube, poll: Poll, reply_to: Any
) -> None:
    load_threads(youtube)
    poll(channel)
    ticket = Message.objects.get(platform_id=REPLY).conversation.tickets.get()

    sent = reply_to(ticket, "Danke, der Fix kommt mit Version 2.4.")

    assert youtube.calls("/youtube/v3/comments", "POST")[0].json() == {
        "snippet": {"parentId": TOP, "textOriginal": "Danke, der Fix kommt mit Version 2.4."}
    }
    assert sent.delivery_state == "sent"
    assert sent.platform_id.startswith(f"{TOP}.")


def test_our_own_reply_found_by_the_next_poll_is_not_ingested_again(
    channel: Channel, youtube: FakeYouTube, poll: Poll, reply_to: Any
) -> None:
    load_threads(youtube)
    poll(channel)
    reply_to(Message.objects.get(platform_id=TOP).conversation.tickets.get(), "Wir prüfen das.")

    poll(channel)

    assert Message.objects.filter(direction="out").count() == 1
    assert Message.objects.count() == 4
    assert InboundEvent.objects.filter(state="done").count() == 4


def test_tracked_terms_find_videos_after_the_first_search(
    channel: Channel, youtube: FakeYouTube, poll: Poll
) -> None:
    poll(channel)  # the first search only marks where to start
    year = timezone.localdate().year
    youtube.videos[f"#iico{year}"] = fixture_json("youtube", "search__videos")["items"]
    Channel.objects.filter(pk=channel.pk).update(
        poll_cursor={**Channel.objects.get(pk=channel.pk).poll_cursor, "search_at": 0}
    )

    poll(channel)

    video = Message.objects.get(platform_id="video:Ks-_Mh1QhMc")
    assert video.text.startswith("Mein Tag auf der #iico2026")
    assert youtube.calls("/youtube/v3/search")[0].arg("publishedAfter")


def test_quota_units_are_counted_per_day_and_shown(
    channel: Channel, youtube: FakeYouTube, poll: Poll
) -> None:
    load_threads(youtube)

    poll(channel)

    assert QuotaUsage.objects.get(channel=channel).units == 1
    assert "quota today: 1 of 10,000 units" in run_command("channel", "list")


def test_a_poll_that_would_overspend_the_quota_waits_for_the_next_day(
    channel: Channel, youtube: FakeYouTube, poll: Poll
) -> None:
    channel.config = {**channel.config, "daily_quota": 1}
    channel.save()
    load_threads(youtube)
    poll(channel)

    with pytest.raises(CommandError, match="quota of 1 units is used up"):
        poll(channel)

    channel.refresh_from_db()
    assert channel.is_active
    assert channel.next_poll_at > timezone.now() + timezone.timedelta(minutes=1)


def test_youtubes_quota_exceeded_answer_postpones_instead_of_disabling(
    channel: Channel, youtube: FakeYouTube, poll: Poll
) -> None:
    youtube.quota_exceeded = True

    with pytest.raises(CommandError, match="quota is used up"):
        poll(channel)

    channel.refresh_from_db()
    assert channel.is_active


def test_a_revoked_refresh_token_disables_the_channel_with_the_reason(
    channel: Channel, youtube: FakeYouTube, poll: Poll
) -> None:
    youtube.refresh_token = "another"

    with pytest.raises(CommandError, match="connect the YouTube account again"):
        poll(channel)

    channel.refresh_from_db()
    assert not channel.is_active
    assert "Token has been expired or revoked" in channel.why_disabled


def test_an_unknown_resource_is_kept_as_unsupported(
    channel: Channel, youtube: FakeYouTube, poll: Poll
) -> None:
    InboundEvent.objects.create(
        channel=channel, source="poll", delivery_id="x", body=b'{"kind": "youtube#liveChatMessage"}'
    )

    process_inbound_event.apply(args=(InboundEvent.objects.get().pk,))

    assert InboundEvent.objects.get().state == "unsupported"

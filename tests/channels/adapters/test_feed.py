"""Feeds polled from a fake site on 127.0.0.1 serving recorded RSS, Atom and JSON Feed."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import CommandError
from django.utils import timezone

from channels.models import Channel, InboundEvent
from channels.services import create_channel
from tests.channels.conftest import run_command
from tests.fakes.feeds import ATOM, JSON_FEED, FakeFeedSite, atom_page, rss
from tickets.models import Message, Ticket

Poll = Callable[[Channel], str]


@pytest.fixture
def site() -> Iterator[FakeFeedSite]:
    with FakeFeedSite().running() as fake:
        yield fake


def feed_channel(url: str, name: str = "Blog comments") -> Channel:
    return create_channel(kind="feed", name=name, values={"url": url})


def poll_failing(poll: Poll, channel: Channel, match: str) -> Channel:
    with pytest.raises(CommandError, match=match):
        poll(channel)
    channel.refresh_from_db()
    return channel


def texts() -> list[str]:
    return list(Message.objects.order_by("created_at").values_list("text", flat=True))


# -- entries become mentions ----------------------------------------------------------------


def test_rss_comments_become_monitored_mentions_with_plain_text_link_and_language(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    channel = feed_channel(site.publish_fixture("/comments/feed/", "wordpress_comments__rss.xml"))

    output = poll(channel)

    assert "2 new events, 0 already known, 1 page\n" in output
    assert channel.service_level == Channel.ServiceLevel.MONITORED
    assert not Ticket.objects.exists()
    jonas = Message.objects.get(author_identity__display_name="Jonas Weber")
    assert jonas.text.startswith("Warum ist die Anmeldung seit gestern kaputt?")
    assert "<p>" not in jonas.text and "alert" not in jonas.text
    assert "Danke & Gruß" in jonas.text
    assert jonas.url == "https://blog.infopark.de/2026/11/cloud-dev-camp-programm/#comment-4711"
    assert jonas.created_at == datetime(2026, 12, 5, 9, 12, 44, tzinfo=UTC)
    assert jonas.language == "de"
    marie = Message.objects.get(author_identity__display_name="Marie Dubois")
    assert marie.language == "fr"
    # Markup the commenter typed as text stays text, for the page to escape.
    assert "<b>pas de gras</b>" in marie.text
    assert jonas.conversation.subject.startswith("Comment on Cloud Dev Camp 2026")


def test_atom_entries_keep_plain_text_summaries_as_written(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    channel = feed_channel(
        site.publish_fixture("/rss/user/infopark", "slideshare_profile__atom.xml", ATOM)
    )

    poll(channel)

    assert texts() == [
        "Kept as written: a < b and <tags> are text here.",
        "Slides from our talk: how we scale the CMS for thousands of sites.",
    ]
    slides = Message.objects.get(platform_id="tag:slideshare.net,2026:slideshow/99887766")
    assert slides.author_identity.profile_url == "https://www.slideshare.net/infopark"
    # An entry without an author is the feed's own.
    plain = Message.objects.get(platform_id="tag:slideshare.net,2026:slideshow/99887700")
    assert plain.author_identity.display_name == "Infopark's presentations"


def test_json_feed_items_become_mentions_with_their_own_detected_language(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    channel = feed_channel(site.publish_fixture("/feed.json", "forum_posts__json.json", JSON_FEED))

    poll(channel)

    kasia = Message.objects.get(platform_id="post-301")
    assert kasia.text == "Nie mogę się zalogować od rana, pomocy!"
    assert kasia.language == "pl"
    assert kasia.author_identity.display_name == "Kasia Nowak"
    # The feed says "pl"; this item is Swedish, and detection says so.
    swedish = Message.objects.get(platform_id="302")
    assert swedish.language == "sv"
    assert swedish.author_identity.display_name == "Infopark Forum"


def test_a_recoverable_broken_feed_still_gives_its_entries(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    channel = feed_channel(site.publish_fixture("/broken", "broken__unescaped.xml"))

    poll(channel)

    assert texts() == ["Great fish & chips, but the delivery was late\nagain", "Where is my order?"]


# -- nothing twice ----------------------------------------------------------------------------


def test_polling_again_asks_conditionally_and_a_304_stores_nothing(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    channel = feed_channel(site.publish_fixture("/comments/feed/", "wordpress_comments__rss.xml"))
    poll(channel)

    output = poll(channel)

    again = site.calls("/comments/feed/")[-1]
    assert again.headers["If-None-Match"] == site.documents["/comments/feed/"].etag
    assert again.headers["If-Modified-Since"] == "Sat, 05 Dec 2026 09:15:00 GMT"
    assert "0 new events" in output
    assert Message.objects.count() == 2


def test_a_feed_without_validators_is_fetched_whole_and_stores_nothing_twice(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    url = site.publish(
        "/plain",
        rss([{"guid": "a", "link": "https://s.example/a", "description": "One"}]),
        validators=False,
    )
    channel = feed_channel(url)
    poll(channel)
    site.publish(
        "/plain",
        rss(
            [
                {"guid": "b", "link": "https://s.example/b", "description": "Two"},
                {"guid": "a", "link": "https://s.example/a", "description": "One"},
            ]
        ),
        validators=False,
    )

    poll(channel)

    assert "If-None-Match" not in site.calls("/plain")[-1].headers
    assert sorted(texts()) == ["One", "Two"]


def test_duplicate_guids_in_one_document_are_one_mention(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    item = {"guid": "same", "link": "https://s.example/x", "description": "First copy"}
    twin = {**item, "description": "Second copy"}
    channel = feed_channel(site.publish("/dupes", rss([item, twin])))

    poll(channel)

    assert texts() == ["First copy"]


def test_a_feed_that_renumbers_its_entries_is_recognised_by_link_and_date(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    def document(generation: int) -> str:
        return rss(
            [
                {
                    "guid": f"gen{generation}-{n}",
                    "link": f"https://s.example/c/{n}",
                    "date": f"Fri, 04 Dec 2026 1{n}:00:00 +0000",
                    "description": f"Comment {n}",
                }
                for n in range(3)
            ]
        )

    channel = feed_channel(site.publish("/renumbered", document(1)))
    poll(channel)
    site.publish("/renumbered", document(2))

    output = poll(channel)

    assert "0 new events" in output
    assert Message.objects.count() == 3


def test_entries_without_id_are_told_apart_by_link_and_date(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    items = [
        {
            "link": "https://s.example/same",
            "date": "Fri, 04 Dec 2026 10:00:00 +0000",
            "description": "Early",
        },
        {
            "link": "https://s.example/same",
            "date": "Fri, 04 Dec 2026 11:00:00 +0000",
            "description": "Late",
        },
    ]
    channel = feed_channel(site.publish("/noids", rss(items)))
    poll(channel)
    poll(channel)

    assert texts() == ["Early", "Late"]


# -- paging -------------------------------------------------------------------------------


def test_a_paged_feed_is_followed_back_to_the_entries_already_seen(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    site.publish("/paged", atom_page(range(10, 5, -1), next_url="/paged?p=2"), ATOM)
    channel = feed_channel(f"{site.url}/paged")
    poll(channel)
    assert Message.objects.count() == 5  # the first poll takes the current page only
    # Eight new entries: five fill page one, three push older ones onto page two, whose
    # address changes with the content (as RFC 5005 paged feeds do).
    site.publish("/paged", atom_page(range(18, 13, -1), next_url="/paged2"), ATOM)
    site.publish("/paged2", atom_page(range(13, 8, -1), next_url="/paged3"), ATOM)
    site.publish("/paged3", atom_page(range(8, 3, -1)), ATOM)

    poll(channel)

    numbers = sorted(
        int(pid.rsplit(":", 1)[1]) for pid in Message.objects.values_list("platform_id", flat=True)
    )
    assert numbers == list(range(6, 19))
    assert not site.calls("/paged3")  # page two held known entries: no need to go further


def test_json_feed_next_url_is_followed(db: None, site: FakeFeedSite, poll: Poll) -> None:
    def page(ids: range, next_url: str = "") -> str:
        items = [
            {"id": f"j{n}", "url": f"https://s.example/j{n}", "content_text": f"Post {n}"}
            for n in ids
        ]
        document: dict[str, Any] = {"version": "https://jsonfeed.org/version/1.1", "items": items}
        if next_url:
            document["next_url"] = next_url
        return json.dumps(document)

    site.publish("/j", page(range(3, 1, -1), "/j?page=2"), JSON_FEED)
    channel = feed_channel(f"{site.url}/j")
    poll(channel)
    site.publish("/j", page(range(6, 4, -1), "/j2"), JSON_FEED)
    site.publish("/j2", page(range(4, 2, -1)), JSON_FEED)

    poll(channel)

    assert sorted(texts()) == [f"Post {n}" for n in (2, 3, 4, 5, 6)]


# -- errors end as a clear channel state ----------------------------------------------------


def test_a_429_with_a_long_retry_after_waits_that_long_before_the_next_poll(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    channel = feed_channel(site.publish_fixture("/comments/feed/", "wordpress_comments__rss.xml"))
    site.fail_next("/comments/feed/", 429, retry_after="600")

    channel = poll_failing(poll, channel, "rate limited")

    assert channel.is_active and channel.health == "failing"
    assert channel.next_poll_at > timezone.now() + timedelta(seconds=590)
    assert not InboundEvent.objects.exists()
    poll(channel)
    assert Message.objects.count() == 2


def test_a_429_with_a_short_retry_after_is_waited_for_within_the_poll(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    channel = feed_channel(site.publish_fixture("/comments/feed/", "wordpress_comments__rss.xml"))
    site.fail_next("/comments/feed/", 429, retry_after="1")

    started = time.monotonic()
    poll(channel)

    assert time.monotonic() - started >= 1
    assert Message.objects.count() == 2


def test_server_errors_back_off_exponentially(db: None, site: FakeFeedSite, poll: Poll) -> None:
    channel = feed_channel(site.publish_fixture("/comments/feed/", "wordpress_comments__rss.xml"))
    site.fail_next("/comments/feed/", 503, times=10)

    channel = poll_failing(poll, channel, "answered 503")

    assert channel.consecutive_failures == 1
    assert channel.next_poll_at > timezone.now() + timedelta(seconds=2 * 900 - 10)


def test_a_page_that_is_not_a_feed_is_a_channel_error(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    channel = feed_channel(site.publish_fixture("/login", "not_a_feed__page.html", "text/html"))

    channel = poll_failing(poll, channel, "is not an RSS, Atom or JSON feed")

    assert channel.health == "failing"
    assert not InboundEvent.objects.exists()


def test_a_json_document_that_is_not_a_json_feed_is_a_channel_error(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    channel = feed_channel(site.publish("/api", '{"items": [', JSON_FEED))

    poll_failing(poll, channel, "not valid JSON")


@pytest.mark.parametrize("name", ["attack__billion_laughs.xml", "attack__external_entity.xml"])
def test_a_feed_declaring_xml_entities_is_refused_and_disables_the_channel(
    db: None, site: FakeFeedSite, poll: Poll, name: str
) -> None:
    channel = feed_channel(site.publish_fixture("/evil", name))

    started = time.monotonic()
    channel = poll_failing(poll, channel, "declares XML entities")

    assert time.monotonic() - started < 5
    assert not channel.is_active
    assert "entities" in channel.why_disabled
    assert not InboundEvent.objects.exists()
    assert not Message.objects.exists()


def test_a_huge_feed_is_stored_whole_once(
    db: None, site: FakeFeedSite, django_capture_on_commit_callbacks: Any
) -> None:
    items = [
        {"guid": f"h{n}", "link": f"https://s.example/h{n}", "description": f"Entry {n}"}
        for n in range(3000)
    ]
    channel = feed_channel(site.publish("/huge", rss(items)))

    first = run_command("channel", "poll", channel.name)
    site.publish("/huge", rss(items) + " ")  # a new ETag, the same entries
    second = run_command("channel", "poll", channel.name)

    assert "3000 new events" in first
    assert "0 new events" in second
    assert InboundEvent.objects.filter(channel=channel).count() == 3000


def test_a_feed_larger_than_the_limit_is_a_channel_error_read_no_further(
    db: None, site: FakeFeedSite, poll: Poll, settings: Any
) -> None:
    settings.FEED_MAX_BYTES = 50_000
    items = [{"guid": f"h{n}", "description": "x" * 200} for n in range(500)]
    channel = feed_channel(site.publish("/huge", rss(items)))

    channel = poll_failing(poll, channel, "over 50000")

    assert channel.is_active and channel.health == "failing"


def test_a_feed_that_is_gone_disables_the_channel(db: None, site: FakeFeedSite, poll: Poll) -> None:
    channel = feed_channel(f"{site.url}/nothing-here")

    channel = poll_failing(poll, channel, "The feed is gone")

    assert not channel.is_active


def test_a_moved_feed_is_followed_through_the_address_guard(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    site.publish_fixture("/new/feed", "wordpress_comments__rss.xml")
    site.redirects["/old/feed"] = "/new/feed"
    channel = feed_channel(f"{site.url}/old/feed")

    poll(channel)

    assert Message.objects.count() == 2


def test_a_feed_on_a_private_address_is_refused(
    db: None, site: FakeFeedSite, poll: Poll, settings: Any
) -> None:
    settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = []
    channel = feed_channel(site.publish_fixture("/comments/feed/", "wordpress_comments__rss.xml"))

    channel = poll_failing(poll, channel, "non-public address")

    assert not channel.is_active
    assert not site.requests


def test_nul_characters_and_overlong_entries_are_made_storable(
    db: None, site: FakeFeedSite, poll: Poll
) -> None:
    items = [
        {"id": "nul\u0000id", "url": "https://s.example/1", "content_text": "Hel\u0000lo"},
        {
            "id": "long",
            "url": "https://s.example/2",
            "content_html": "<p>" + "word " * 5000 + "</p>",
        },
    ]
    document = {"version": "https://jsonfeed.org/version/1", "title": "N", "items": items}
    channel = feed_channel(site.publish("/n.json", json.dumps(document), JSON_FEED))

    poll(channel)

    assert Message.objects.get(platform_id="nulid").text == "Hello"
    long = Message.objects.get(platform_id="long").text
    assert len(long) == 10_000 and long.endswith("…")


def test_channel_test_reads_the_feed_once_and_names_what_it_found(
    db: None, site: FakeFeedSite
) -> None:
    feed_channel(site.publish_fixture("/rss/user/infopark", "slideshare_profile__atom.xml", ATOM))

    output = run_command("channel", "test", "Blog comments")

    assert output.strip() == "OK: Infopark's presentations (atom10, 2 entries)"
    assert not InboundEvent.objects.exists()

"""Feed recipes: the platforms' feeds built from an account name, listed where admins look."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError

from channels.models import Channel
from tests.channels.adapters.test_feed import Poll, feed_channel, site
from tests.channels.conftest import run_command
from tests.fakes.feeds import FakeFeedSite

__all__ = ["site"]  # the fake feed site fixture, shared with test_feed


@pytest.mark.parametrize(
    ("recipe", "args", "url"),
    [
        (
            "flickr-comments",
            ["--account", "12345678@N00"],
            "https://www.flickr.com/services/feeds/activity.gne?user_id=12345678@N00&format=atom",
        ),
        (
            "pinterest-profile",
            ["--account", "infopark"],
            "https://www.pinterest.com/infopark/feed.rss",
        ),
        (
            "pinterest-board",
            ["--account", "infopark", "--board", "events"],
            "https://www.pinterest.com/infopark/events.rss",
        ),
        (
            "slideshare-profile",
            ["--account", "infopark"],
            "https://www.slideshare.net/rss/user/infopark",
        ),
        (
            "wordpress-comments",
            ["--site", "https://Blog.Infopark.de/"],
            "https://blog.infopark.de/comments/feed/",
        ),
    ],
)
def test_a_recipe_builds_the_feed_url_from_the_account_name(
    db: None, recipe: str, args: list[str], url: str
) -> None:
    output = run_command("channel", "add", "feed", "--name", "Ours", "--recipe", recipe, *args)

    channel = Channel.objects.get(name="Ours")
    assert channel.config == {"url": url, "recipe": recipe}
    assert channel.service_level == Channel.ServiceLevel.MONITORED
    assert "(monitored)" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--recipe", "pinterest-board", "--account", "infopark"], "needs --board"),
        (["--recipe", "pinterest-profile", "--account", "../admin"], "not a valid account"),
        (
            ["--recipe", "slideshare-profile", "--account", "a", "--board", "b"],
            "does not take --board",
        ),
        (["--recipe", "wordpress-comments", "--site", "localhost"], "not a valid site"),
    ],
)
def test_a_recipe_refuses_values_that_cannot_be_its_url(
    db: None, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run_command("channel", "add", "feed", "--name", "Ours", *args)

    assert not Channel.objects.exists()


def test_a_feed_may_be_served_when_the_company_answers_it(db: None) -> None:
    run_command(
        "channel",
        "add",
        "feed",
        "--name",
        "Forum",
        "--served",
        "--set",
        "url=https://forum.example/feed.json",
    )

    assert Channel.objects.get(name="Forum").service_level == Channel.ServiceLevel.SERVED


def test_the_recipes_command_says_what_each_platform_exposes(db: None) -> None:
    output = run_command("channel", "recipes")

    assert "pinterest-board" in output
    assert "Comments on pins" in output
    assert "--recipe slideshare-profile --account infopark" in output


def test_the_channels_page_lists_the_recipes_and_what_each_feed_holds(
    db: None, staff_client: Any, site: FakeFeedSite, poll: Poll
) -> None:
    channel = feed_channel(site.publish_fixture("/evil", "attack__external_entity.xml"))
    with pytest.raises(CommandError):
        poll(channel)

    page = staff_client.get("/channels/").content.decode()

    for slug in ("flickr-comments", "pinterest-profile", "pinterest-board", "slideshare-profile"):
        assert f'id="recipe-{slug}"' in page
    assert "manage.py channel add feed --recipe wordpress-comments --site blog.infopark.de" in page
    assert "Slideshare no longer publishes comment feeds" in page
    # The refused feed shows why it was switched off.
    assert "declares XML entities" in page

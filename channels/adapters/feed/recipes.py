"""Feed recipes: the feeds of the platforms the inbound policy follows, by account name.

A recipe asks only for what identifies the account (and a board) and builds the feed's URL.
What each platform puts in its feed, and what it keeps out, is said with the recipe: the
channels page and docs/channels/feeds.md show it. No platform takes a reply through a feed;
the desk links to the original post instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Account names, board names and NSIDs on these platforms: letters, digits and . _ - @.
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
# A site's host name, optionally with a path below which WordPress is installed.
SITE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(/[\w./-]*)?$")


class RecipeError(ValueError):
    """A recipe's value that cannot be part of its URL; the message says which."""


@dataclass(frozen=True)
class Param:
    name: str
    label: Promise
    pattern: re.Pattern[str] = NAME
    example: str = ""


@dataclass(frozen=True)
class Recipe:
    slug: str
    label: Promise
    template: str
    params: tuple[Param, ...]
    exposes: Promise
    does_not_expose: Promise

    @property
    def example_url(self) -> str:
        return self.template.format(**{p.name: p.example for p in self.params})

    @property
    def command(self) -> str:
        values = " ".join(f"--{p.name} {p.example}" for p in self.params)
        return f"manage.py channel add feed --recipe {self.slug} {values} --name ..."

    def build_url(self, values: dict[str, str]) -> str:
        parts = {}
        for param in self.params:
            value = (values.get(param.name) or "").strip()
            if param.pattern is SITE:
                value = value.lower().removeprefix("https://").removeprefix("http://").strip("/")
            if not value:
                raise RecipeError(f"The {self.slug} recipe needs --{param.name}.")
            if not param.pattern.match(value):
                raise RecipeError(
                    f"{value!r} is not a valid {param.name} for the {self.slug} recipe."
                )
            parts[param.name] = quote(value, safe="@/.-_")
        unknown = sorted(name for name, v in values.items() if v and name not in parts)
        if unknown:
            raise RecipeError(f"The {self.slug} recipe does not take --{', --'.join(unknown)}.")
        return self.template.format(**parts)


ACCOUNT = Param("account", _("Account name"), example="infopark")

RECIPES: dict[str, Recipe] = {
    recipe.slug: recipe
    for recipe in (
        Recipe(
            slug="flickr-comments",
            label=_("Flickr: comments on the account's photos"),
            template="https://www.flickr.com/services/feeds/activity.gne?user_id={account}&format=atom",
            params=(Param("account", _("Flickr user id (NSID)"), example="12345678@N00"),),
            exposes=_(
                "Recent comments and other activity on the account's photos, with the "
                "commenter's name and a link to the photo."
            ),
            does_not_expose=_(
                "Comments on other people's photos, private photos, and replies: answer on "
                "Flickr through the link. If Flickr keeps the account's activity feed "
                "private, add the key from the account's feed settings to the URL "
                "(channel set --set url=...)."
            ),
        ),
        Recipe(
            slug="pinterest-profile",
            label=_("Pinterest: an account's new pins"),
            template="https://www.pinterest.com/{account}/feed.rss",
            params=(ACCOUNT,),
            exposes=_("The account's newest pins with their descriptions and links."),
            does_not_expose=_(
                "Comments on pins, saves and reactions: Pinterest publishes no feed of them. "
                "Answer on Pinterest through the link."
            ),
        ),
        Recipe(
            slug="pinterest-board",
            label=_("Pinterest: one board's new pins"),
            template="https://www.pinterest.com/{account}/{board}.rss",
            params=(ACCOUNT, Param("board", _("Board name"), example="events")),
            exposes=_("The board's newest pins with their descriptions and links."),
            does_not_expose=_(
                "Comments on pins, saves and reactions: Pinterest publishes no feed of them. "
                "Answer on Pinterest through the link."
            ),
        ),
        Recipe(
            slug="slideshare-profile",
            label=_("Slideshare: an account's new presentations"),
            template="https://www.slideshare.net/rss/user/{account}",
            params=(ACCOUNT,),
            exposes=_("The presentations the account uploads, with title, description and link."),
            does_not_expose=_(
                "Comments, likes and downloads: Slideshare no longer publishes comment feeds. "
                "Answer on Slideshare through the link."
            ),
        ),
        Recipe(
            slug="wordpress-comments",
            label=_("Site comments (WordPress): every new comment on a site"),
            template="https://{site}/comments/feed/",
            params=(Param("site", _("Site address"), pattern=SITE, example="blog.infopark.de"),),
            exposes=_(
                "Every approved comment on the site's posts, with the commenter's name and a "
                "link to the comment. Other blog engines publish the same kind of feed: "
                "add it by URL (--set url=...)."
            ),
            does_not_expose=_(
                "Comments waiting for moderation, and e-mail addresses of commenters. Answer "
                "on the site through the link."
            ),
        ),
    )
}


def recipe(slug: str) -> Recipe:
    try:
        return RECIPES[slug]
    except KeyError:
        raise RecipeError(f"No feed recipe {slug!r}; known: {', '.join(RECIPES)}.") from None

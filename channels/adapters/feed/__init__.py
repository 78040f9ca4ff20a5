"""Feeds: any site that publishes RSS 2.0, Atom 1.0 or JSON Feed, followed without an API.

Each new entry becomes a mention (author, plain text of the entry, link to the original,
published time; the desk detects the language). Polls are conditional (ETag and
Last-Modified, https://www.rfc-editor.org/rfc/rfc9110#section-13.1), rate limits and errors
back off through `channels.http` and the poller, and paged feeds (RFC 5005 `rel="next"`, JSON
Feed `next_url`) are followed back to the first entry already seen. A feed cannot carry a
reply: the desk links to the original. Recipes for Flickr, Pinterest, Slideshare and
WordPress comments build the URL from an account name (`feed.recipes`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from channels import http
from channels.adapters.base import (
    Adapter,
    AdapterError,
    Author,
    ConfigField,
    Mention,
    ParsedEvent,
    PollResult,
    RawEvent,
    load_json_object,
)
from channels.adapters.feed.documents import FeedDocument, FeedEntry, FeedError, read_document
from channels.adapters.feed.recipes import RECIPES
from channels.adapters.text import html_to_text
from channels.models import InboundEvent

EVENT_TYPE = "feed_entry"
ACCEPT = (
    "application/feed+json, application/atom+xml, application/rss+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
# Entry keys remembered across polls: enough for the largest pages feeds serve, so a feed
# that renumbers its entries is recognised by link and date.
SEEN_LIMIT = 5000
MAX_REDIRECTS = 3
MAX_ID_LENGTH = 200
# As long as a REST inquiry may be; the rest is behind the link to the original.
MAX_TEXT_LENGTH = 10_000


class FeedAdapter(Adapter):
    kind = "feed"
    label = _("Feed (RSS, Atom, JSON Feed)")
    description = "Entries of an RSS, Atom or JSON feed: Flickr, Pinterest, Slideshare, blogs."
    polls = True
    monitored_by_default = True
    takes_replies = False
    default_poll_interval = 900
    config_fields = (
        ConfigField(
            "url",
            "Feed URL",
            type="exact_url",
            help_text=_("Or build it with --recipe (see `manage.py channel recipes`)."),
            example="https://blog.infopark.de/comments/feed/",
        ),
        ConfigField(
            "recipe",
            "Recipe the URL was built with",
            required=False,
            choices=tuple(RECIPES),
        ),
    )

    # -- polling -------------------------------------------------------------------------

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        url = self.config["url"]
        cursor = dict(cursor)
        if cursor.get("url") != url:
            # A new address: its validators and entries are not the old one's.
            cursor = {"url": url, "seen": cursor.get("seen", [])}
        first_poll = "validators" not in cursor
        seen = list(cursor.get("seen", []))
        known = set(seen)
        fetched = self._fetch(url, cursor.get("validators", {}))
        if fetched is None:  # 304 Not Modified
            return PollResult(events=(), cursor=cursor)
        document, validators = fetched
        events: list[RawEvent] = []
        pages = 1
        while True:
            fresh = self._new_entries(document, known)
            for keys, event in fresh:
                events.append(event)
                seen.extend(keys)
            whole_page_new = bool(fresh) and len(fresh) == len(document.entries)
            # The first poll takes the current page only: the archive before the channel
            # existed is not the desk's work.
            if first_poll or not whole_page_new or not document.next_url:
                break
            if pages >= settings.FEED_MAX_PAGES:
                break
            fetched_page = self._fetch(document.next_url, {})
            if fetched_page is None:
                break
            document = fetched_page[0]
            pages += 1
        cursor.update(validators=validators, seen=seen[-SEEN_LIMIT:])
        # Oldest first, as the desk would have seen them arrive.
        return PollResult(events=tuple(sorted(events, key=_published_key)), cursor=cursor)

    def _fetch(
        self, url: str, validators: dict[str, str]
    ) -> tuple[FeedDocument, dict[str, str]] | None:
        headers = {"Accept": ACCEPT}
        if validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                response = http.request(
                    "GET", url, headers=headers, max_bytes=settings.FEED_MAX_BYTES
                )
            except http.HttpError as exc:
                if exc.status in (301, 302, 303, 307, 308) and exc.location:
                    # Each hop goes through http.request again: the address guard sees it.
                    url = urljoin(url, exc.location)
                    continue
                if exc.status in (404, 410):
                    raise AdapterError(
                        f"The feed is gone ({exc.status}) at {url}: check the address.",
                        permanent=True,
                    ) from None
                raise
            if response.status_code == 304:
                return None
            document = read_document(
                response.content,
                content_type=response.headers.get("Content-Type", ""),
                url=url,
            )
            fresh = {
                "etag": response.headers.get("ETag", ""),
                "last_modified": response.headers.get("Last-Modified", ""),
            }
            return document, {name: value for name, value in fresh.items() if value}
        raise FeedError(f"The feed at {url} redirects more than {MAX_REDIRECTS} times.")

    def events_of(self, document: FeedDocument) -> list[RawEvent]:
        """The raw events of a document read elsewhere (the demo's recorded comments)."""
        return [event for _, event in self._new_entries(document, set())]

    def _new_entries(
        self, document: FeedDocument, known: set[str]
    ) -> list[tuple[list[str], RawEvent]]:
        found = []
        for entry in document.entries:
            keys = entry_keys(entry)
            if known.intersection(keys):
                continue
            known.update(keys)
            body = json.dumps(_entry_payload(entry, keys[0], document)).encode()
            found.append((keys, RawEvent(body, keys[0])))
        return found

    def check_credentials(self) -> str:
        fetched = self._fetch(self.config["url"], {})
        if fetched is None:
            return self.config["url"]
        document = fetched[0]
        title = document.title or self.config["url"]
        return f"{title} ({document.format}, {len(document.entries)} entries)"

    def health_details(self) -> dict[str, str]:
        details = {gettext("feed"): self.config.get("url", "")}
        if self.config.get("recipe"):
            details[gettext("recipe")] = self.config["recipe"]
        return details

    # -- parsing -------------------------------------------------------------------------

    def parse(self, event: InboundEvent) -> ParsedEvent:
        payload = load_json_object(bytes(event.body))
        if payload.get("type") != EVENT_TYPE:
            return ParsedEvent(unsupported_because=f"unknown event type {payload.get('type')!r}")
        author = payload.get("author") or {}
        source = payload.get("feed") or {}
        host = urlsplit(self.config.get("url", "")).hostname or "feed"
        name = author.get("name") or source.get("title") or host
        body = html_to_text(payload["html"]) if payload.get("html") else payload.get("text", "")
        text = _clean(body.strip() or payload.get("title", "") or payload.get("link", ""))
        if len(text) > MAX_TEXT_LENGTH:
            # A whole blog post is not a mention: the start, and the link to the rest.
            text = text[: MAX_TEXT_LENGTH - 1] + "…"
        published = payload.get("published") or payload.get("updated")
        return ParsedEvent(
            mentions=(
                Mention(
                    platform_id=payload["key"],
                    author=Author(
                        # Names are unique on their site only: keyed by the feed's host.
                        platform_user_id=_clean(f"{host}:{author.get('url') or name}")[:255],
                        display_name=_clean(name)[:200],
                        profile_url=_clean(author.get("url", ""))[:1000],
                    ),
                    text=text,
                    subject=_clean(payload.get("title", ""))[:300],
                    created_at=_moment(published) if published else event.received_at,
                    url=_clean(payload.get("link", ""))[:1000],
                    metadata={"feed": source.get("title", ""), "format": source.get("format")},
                ),
            )
        )


def entry_keys(entry: FeedEntry) -> list[str]:
    """The entry's platform id first, then its link and date: a feed that gives the same
    entry a new id on every fetch is still recognised by where it links and when."""
    if entry.entry_id:
        primary = _clean(entry.entry_id)
        if len(primary) > MAX_ID_LENGTH:
            primary = "sha256:" + hashlib.sha256(primary.encode()).hexdigest()
    else:
        primary = ""
    moment = entry.published or entry.updated
    by_link = ""
    if entry.link:
        stamp = moment.isoformat() if moment else ""
        by_link = "link:" + hashlib.sha256(f"{entry.link}|{stamp}".encode()).hexdigest()[:40]
    if not primary and not by_link:
        content = f"{entry.title}|{entry.html or entry.text}"
        primary = "content:" + hashlib.sha256(content.encode()).hexdigest()[:40]
    if not primary:
        return [by_link]
    return [primary, by_link] if by_link and moment else [primary]


def _entry_payload(entry: FeedEntry, key: str, document: FeedDocument) -> dict[str, Any]:
    return {
        "type": EVENT_TYPE,
        "key": key,
        "id": entry.entry_id,
        "link": entry.link,
        "title": entry.title,
        "html": entry.html,
        "text": entry.text,
        "published": entry.published.isoformat() if entry.published else "",
        "updated": entry.updated.isoformat() if entry.updated else "",
        "author": {"name": entry.author.name, "url": entry.author.url},
        "feed": {
            "title": document.title,
            "link": document.link,
            "language": document.language,
            "format": document.format,
        },
    }


def _published_key(event: RawEvent) -> str:
    payload = json.loads(event.body)
    return payload.get("published") or payload.get("updated") or ""


def _clean(value: str) -> str:
    # PostgreSQL text cannot hold NUL, which a JSON feed can carry as \u0000.
    return value.replace("\x00", "")


def _moment(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return timezone.now()

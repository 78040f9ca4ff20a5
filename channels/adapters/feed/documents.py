"""Reading one feed document (RSS 2.0, Atom 1.0 or JSON Feed 1.x) into plain entries.

XML goes through `feedparser` (https://feedparser.readthedocs.io/), which also reads RSS 0.9x,
RSS 1.0 and broken XML leniently. Before it, `defusedxml` refuses any document that declares
entities: a billion-laughs bomb or an external entity (`<!ENTITY x SYSTEM "file:///...">`)
never reaches a parser that could expand it. feedparser 6.0 reads XML only, so JSON Feed
(https://www.jsonfeed.org/version/1.1/) is read here with the json module.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from typing import Any
from urllib.parse import urljoin

import feedparser
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from channels.errors import AdapterError

JSON_FEED_PREFIX = "https://jsonfeed.org/version/1"


class FeedError(AdapterError):
    """The document is not a feed we can read; the message says what is wrong with it."""


@dataclass(frozen=True)
class FeedAuthor:
    name: str = ""
    url: str = ""
    email: str = ""


@dataclass(frozen=True)
class FeedEntry:
    entry_id: str
    link: str
    title: str
    # Exactly one of html and text carries the body, as the feed typed it.
    html: str = ""
    text: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    author: FeedAuthor = field(default_factory=FeedAuthor)


@dataclass(frozen=True)
class FeedDocument:
    format: str  # "rss20", "atom10", "json1", ... as feedparser names them
    title: str
    link: str
    language: str
    entries: tuple[FeedEntry, ...]
    # RFC 5005 paged feeds (<link rel="next">) and JSON Feed's next_url: the older page.
    next_url: str = ""


def read_document(body: bytes, *, content_type: str, url: str) -> FeedDocument:
    if _looks_like_json(body, content_type):
        return _read_json_feed(body, url)
    return _read_xml_feed(body, content_type, url)


def _looks_like_json(body: bytes, content_type: str) -> bool:
    if "json" in content_type.lower():
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


# -- XML ----------------------------------------------------------------------------------


def refuse_xml_attacks(body: bytes) -> None:
    """Raise a permanent FeedError if the document declares entities or external references.

    Declarations come before any content, so defusedxml meets them before a syntax error
    later in a broken feed could stop it; a document broken before its declarations is left
    to feedparser, which drops unsafe declarations itself.
    """
    try:
        SafeElementTree.fromstring(body, forbid_dtd=False, forbid_entities=True)
    except DefusedXmlException as exc:
        raise FeedError(
            "The feed declares XML entities or external references, which are refused "
            f"(entity expansion and external entities are attacks): {exc}.",
            permanent=True,
        ) from None
    except SafeElementTree.ParseError:
        pass  # broken XML: feedparser's lenient parser has a go


def _read_xml_feed(body: bytes, content_type: str, url: str) -> FeedDocument:
    refuse_xml_attacks(body)
    parsed = feedparser.parse(
        BytesIO(body),
        response_headers={"content-location": url, "content-type": content_type or "text/xml"},
    )
    if not parsed.version and not parsed.entries:
        problem = parsed.get("bozo_exception")
        reason = f": {problem}" if problem else ""
        raise FeedError(f"The document at {url} is not an RSS, Atom or JSON feed{reason}.")
    feed = parsed.feed
    next_url = next(
        (link.get("href", "") for link in feed.get("links", []) if link.get("rel") == "next"), ""
    )
    return FeedDocument(
        format=parsed.version or "unknown",
        title=feed.get("title", ""),
        link=feed.get("link", ""),
        language=feed.get("language", "") or "",
        entries=tuple(_xml_entry(entry) for entry in parsed.entries),
        next_url=urljoin(url, next_url) if next_url else "",
    )


def _xml_entry(entry: Any) -> FeedEntry:
    body = (entry.get("content") or [None])[0] or entry.get("summary_detail") or {}
    value = body.get("value", "") if body else ""
    is_html = body.get("type", "text/html") in ("text/html", "application/xhtml+xml")
    detail = entry.get("author_detail") or {}
    return FeedEntry(
        entry_id=entry.get("id", "") or "",
        link=entry.get("link", "") or "",
        title=entry.get("title", "") or "",
        html=value if is_html else "",
        text="" if is_html else value,
        published=_from_struct(entry.get("published_parsed")),
        # Read without feedparser's fallback that would answer "updated" with "published".
        updated=_from_struct(dict.get(entry, "updated_parsed")),
        author=FeedAuthor(
            name=detail.get("name", "") or entry.get("author", "") or "",
            url=detail.get("href", "") or "",
            email=detail.get("email", "") or "",
        ),
    )


def _from_struct(value: Any) -> datetime | None:
    # feedparser gives every date as a UTC struct_time.
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None


# -- JSON Feed ----------------------------------------------------------------------------


def _read_json_feed(body: bytes, url: str) -> FeedDocument:
    try:
        feed = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise FeedError(f"The JSON feed at {url} is not valid JSON: {exc}.") from None
    if not isinstance(feed, dict) or not str(feed.get("version", "")).startswith(JSON_FEED_PREFIX):
        raise FeedError(
            f"The JSON document at {url} is not a JSON Feed (no version {JSON_FEED_PREFIX}.x)."
        )
    items = feed.get("items")
    if not isinstance(items, list):
        raise FeedError(f"The JSON feed at {url} has no list of items.")
    feed_authors = _json_authors(feed)
    entries = tuple(
        _json_entry(item, url, feed_authors) for item in items if isinstance(item, dict)
    )
    next_url = feed.get("next_url")
    return FeedDocument(
        format="json1",
        title=_text(feed.get("title")),
        link=_text(feed.get("home_page_url")),
        language=_text(feed.get("language")),
        entries=entries,
        next_url=urljoin(url, next_url) if isinstance(next_url, str) and next_url else "",
    )


def _json_entry(item: dict[str, Any], url: str, feed_authors: list[FeedAuthor]) -> FeedEntry:
    authors = _json_authors(item) or feed_authors
    link = _text(item.get("url")) or _text(item.get("external_url"))
    html = _text(item.get("content_html"))
    return FeedEntry(
        entry_id=_text(item.get("id")) if not isinstance(item.get("id"), int) else str(item["id"]),
        link=urljoin(url, link) if link else "",
        title=_text(item.get("title")),
        html=html,
        text="" if html else _text(item.get("content_text")) or _text(item.get("summary")),
        published=_iso(item.get("date_published")),
        updated=_iso(item.get("date_modified")),
        author=authors[0] if authors else FeedAuthor(),
    )


def _json_authors(holder: dict[str, Any]) -> list[FeedAuthor]:
    # 1.1 has "authors"; 1.0 had a single "author".
    found = holder.get("authors")
    raw = found if isinstance(found, list) else [holder.get("author")]
    return [
        FeedAuthor(name=_text(a.get("name")), url=_text(a.get("url")))
        for a in raw
        if isinstance(a, dict) and (a.get("name") or a.get("url"))
    ]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

"""A site on 127.0.0.1 that publishes feed documents, with ETag and Last-Modified.

Tests put recorded documents at paths (`publish`), and read `requests` to see the
conditional headers our poller sent. Failures (429 with Retry-After, 500s) come from
FakePlatform's `fail_next`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from tests.fakes.fixtures import fixture_bytes
from tests.fakes.server import FakePlatform, Request, Response

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
JSON_FEED = "application/feed+json"
LAST_MODIFIED = "Sat, 05 Dec 2026 09:15:00 GMT"


@dataclass
class Document:
    body: bytes
    content_type: str
    # Off for a server that sends no validators (and so gets no conditional requests).
    validators: bool = True

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


class FakeFeedSite(FakePlatform):
    def __init__(self) -> None:
        super().__init__()
        self.documents: dict[str, Document] = {}
        self.redirects: dict[str, str] = {}

    def publish(
        self, path: str, body: bytes | str, content_type: str = RSS, *, validators: bool = True
    ) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.documents[path] = Document(data, content_type, validators)
        return f"{self.url}{path}"

    def publish_fixture(self, path: str, name: str, content_type: str = RSS) -> str:
        return self.publish(path, fixture_bytes("feed", name), content_type)

    def handle(self, request: Request) -> Response:
        if request.path in self.redirects:
            return Response(301, b"", {"Location": self.redirects[request.path]})
        document = self.documents.get(request.path)
        if document is None:
            return Response(404, b"not found", {"Content-Type": "text/plain"})
        headers = {"Content-Type": document.content_type}
        if document.validators:
            headers.update(ETag=document.etag, **{"Last-Modified": LAST_MODIFIED})
            if request.headers.get("If-None-Match") == document.etag:
                return Response(304, b"", headers)
        return Response(200, document.body, headers)


def rss(items: list[dict[str, str]], *, title: str = "Comments", next_url: str = "") -> str:
    """An RSS 2.0 document with the given items (guid, link, title, description, date)."""
    paging = f'<atom:link rel="next" href="{next_url}"/>' if next_url else ""
    entries = "".join(
        "<item>"
        + (f'<guid isPermaLink="false">{item["guid"]}</guid>' if item.get("guid") else "")
        + f"<title>{item.get('title', '')}</title>"
        + (f"<link>{item['link']}</link>" if item.get("link") else "")
        + (f"<pubDate>{item['date']}</pubDate>" if item.get("date") else "")
        + f"<dc:creator>{item.get('author', 'Ann')}</dc:creator>"
        + f"<description>{item.get('description', '')}</description>"
        + "</item>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{title}</title><link>https://site.example/</link>{paging}"
        f"{entries}</channel></rss>"
    )


def atom_page(ids: range, *, next_url: str = "") -> str:
    """An RFC 5005 paged Atom feed page: entries numbered `ids`, newest first."""
    paging = f'<link rel="next" href="{next_url}"/>' if next_url else ""
    entries = "".join(
        f"<entry><id>urn:entry:{n}</id><title>Entry {n}</title>"
        f'<link rel="alternate" href="https://site.example/e/{n}"/>'
        f"<updated>2026-12-0{1 + n % 5}T{n % 24:02d}:00:00Z</updated>"
        f"<author><name>Writer {n}</name></author>"
        f'<content type="html">&lt;p&gt;Entry number {n} says hello&lt;/p&gt;</content></entry>'
        for n in ids
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Paged</title><id>urn:paged</id><updated>2026-12-05T00:00:00Z</updated>{paging}"
        f"{entries}</feed>"
    )

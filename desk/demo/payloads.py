"""Raw deliveries in each platform's own shape, for mentions on the demo channels.

The demo stores them through `channels.inbound.store_event` exactly as a webhook or a poll
would, so the adapters' real parsers and the one ingestion path turn them into tickets.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from desk.demo.personas import Persona
from desk.demo.sandbox.platform import COMPANY_HANDLE, X_ACCOUNT_ID

FACEBOOK_PAGE = "105101002386405"
FACEBOOK_POST = "107823442114161"
INSTAGRAM_ACCOUNT = "17841400000000001"
INSTAGRAM_PAGE = "105101002386406"
INSTAGRAM_MEDIA = "17895695668004550"
COMPANY_MAILBOX = "support@infopark.example"


@dataclass(frozen=True)
class Post:
    """One mention to deliver: its id on the platform, and the post it answers, if any."""

    platform_id: str
    persona: Persona
    text: str
    at: datetime
    parent_id: str = ""


@dataclass(frozen=True)
class Delivery:
    body: bytes
    content_type: str = "application/json"
    # The id the platform's parser will give the mention (as the sandbox knows it).
    mention_id: str = ""


def _json(value: object, mention_id: str) -> Delivery:
    return Delivery(json.dumps(value).encode(), mention_id=mention_id)


def x(post: Post) -> Delivery:
    p = post.persona
    tweet = {
        "created_at": post.at.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "id_str": post.platform_id,
        "text": f"@{COMPANY_HANDLE} {post.text}",
        "in_reply_to_status_id_str": post.parent_id or None,
        "user": {"id_str": p.numeric_id, "name": p.name, "screen_name": p.handle},
        "lang": p.language,
    }
    return _json({"for_user_id": X_ACCOUNT_ID, "tweet_create_events": [tweet]}, post.platform_id)


def facebook(post: Post) -> Delivery:
    p = post.persona
    parent = post.parent_id.partition("/")[2] if post.parent_id else ""
    value = {
        "from": {"id": p.numeric_id, "name": p.name},
        "post_id": f"{FACEBOOK_PAGE}_{FACEBOOK_POST}",
        "comment_id": post.platform_id,
        "created_time": int(post.at.timestamp()),
        "item": "comment",
        "parent_id": parent or f"{FACEBOOK_PAGE}_{FACEBOOK_POST}",
        "verb": "add",
        "message": post.text,
    }
    entry = {
        "id": FACEBOOK_PAGE,
        "time": int(post.at.timestamp()),
        "changes": [{"field": "feed", "value": value}],
    }
    return _json({"object": "page", "entry": [entry]}, f"{FACEBOOK_PAGE}/{post.platform_id}")


def instagram(post: Post) -> Delivery:
    p = post.persona
    value = {
        "from": {"id": p.numeric_id, "username": p.handle},
        "media": {"id": INSTAGRAM_MEDIA, "media_product_type": "FEED"},
        "id": post.platform_id,
        "text": post.text,
    }
    if post.parent_id:
        value["parent_id"] = post.parent_id.partition("/")[2]
    entry = {
        "id": INSTAGRAM_ACCOUNT,
        "time": int(post.at.timestamp()),
        "changes": [{"field": "comments", "value": value}],
    }
    mention_id = f"{INSTAGRAM_ACCOUNT}/{post.platform_id}"
    return _json({"object": "instagram", "entry": [entry]}, mention_id)


def mastodon(post: Post) -> Delivery:
    p = post.persona
    account = {
        "id": p.numeric_id,
        "username": p.handle,
        "acct": f"{p.handle}@chaos.social",
        "display_name": p.name,
        "url": f"https://chaos.social/@{p.handle}",
    }
    status: dict[str, Any] = {
        "id": post.platform_id,
        "created_at": post.at.isoformat().replace("+00:00", "Z"),
        "in_reply_to_id": post.parent_id or None,
        "visibility": "public",
        "language": p.language,
        "url": f"https://chaos.social/@{p.handle}/{post.platform_id}",
        "content": f"<p>@{COMPANY_HANDLE} {_escape(post.text)}</p>",
        "account": account,
        "media_attachments": [],
    }
    notification = {
        "id": post.platform_id,
        "type": "mention",
        "account": account,
        "status": status,
        "created_at": status["created_at"],
    }
    return _json(notification, post.platform_id)


def bluesky(post: Post) -> Delivery:
    p = post.persona
    record: dict[str, object] = {
        "$type": "app.bsky.feed.post",
        "createdAt": post.at.isoformat().replace("+00:00", "Z"),
        "langs": [p.language],
        "text": f"@{COMPANY_HANDLE}.bsky.social {post.text}",
    }
    if post.parent_id:
        ref = {"uri": post.parent_id, "cid": "cid"}
        record["reply"] = {"root": ref, "parent": ref}
    notification = {
        "uri": post.platform_id,
        "cid": "cid",
        "author": {
            "did": p.bluesky_did,
            "handle": f"{p.handle}.bsky.social",
            "displayName": p.name,
        },
        "reason": "reply" if post.parent_id else "mention",
        "record": record,
    }
    return _json(notification, post.platform_id)


def _subject_line(text: str, limit: int = 50) -> str:
    """A subject as a person writes one: the post's opening, cut at a word, not inside one."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def email(post: Post) -> Delivery:
    p = post.persona
    mail = EmailMessage()
    mail["From"] = f"{p.name} <{p.email}>"
    mail["To"] = COMPANY_MAILBOX
    mail["Subject"] = ("Re: " if post.parent_id else "") + _subject_line(post.text)
    mail["Date"] = format_datetime(post.at)
    mail["Message-ID"] = f"<{post.platform_id}>"
    if post.parent_id:
        mail["In-Reply-To"] = f"<{post.parent_id}>"
        mail["References"] = f"<{post.parent_id}>"
    mail.set_content(post.text)
    return Delivery(bytes(mail), content_type="message/rfc822", mention_id=post.platform_id)


def webform(post: Post, notice: dict[str, object]) -> Delivery:
    p = post.persona
    form = {
        "submission_id": post.platform_id,
        "name": p.name,
        "email": p.email,
        "message": post.text,
        "language": p.language,
        "submitted_at": post.at.isoformat(),
        "notice": {**notice, "shown_at": post.at.isoformat()},
    }
    return _json(form, post.platform_id)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


BUILDERS: dict[str, Callable[[Post], Delivery]] = {
    "x": x,
    "facebook": facebook,
    "instagram": instagram,
    "mastodon": mastodon,
    "bluesky": bluesky,
    "email": email,
}

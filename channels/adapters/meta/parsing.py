"""Meta webhook deliveries into mentions: Page feed changes, Messenger, Instagram comments,
mentions and messages.

Platform ids are `<page or Instagram account id>/<object id>`: every object is answered with
the token of the page it belongs to, and one channel may serve several pages and accounts.
Reference: https://developers.facebook.com/docs/graph-api/webhooks/reference/page/#feed,
https://developers.facebook.com/docs/messenger-platform/webhooks,
https://developers.facebook.com/docs/instagram-platform/webhooks
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from channels.adapters.base import Author, MediaFile, Mention, MessageChange
from channels.platforms.windows import WINDOW_KEY

# How long Messenger and Instagram let a page answer a person's last message.
MESSAGING_WINDOW_HOURS = 24
POST_ITEMS = frozenset({"post", "status", "photo", "video", "share"})
IGNORED_FEED_ITEMS = {
    "reaction": "a reaction",
    "like": "a like",
    "event": "an event update",
    "rating": "a rating update",
    "album": "an album update",
}
IGNORED_VERBS = {
    "hide": "a comment hidden",
    "unhide": "a comment shown again",
    "block": "a block",
    "unblock": "an unblock",
}
IGNORED_MESSAGING = {
    "delivery": "a delivery receipt",
    "read": "a read receipt",
    "reaction": "a reaction to a message",
    "postback": "a button tap",
    "optin": "an opt-in",
    "referral": "a referral",
    "account_linking": "an account linking",
    "message_reactions": "a reaction to a message",
}
IGNORED_INSTAGRAM_FIELDS = {
    "story_insights": "story insights",
    "live_comments": "a comment on a live video",
    "message_reactions": "a reaction to a message",
    "messaging_seen": "a read receipt",
}


@dataclass
class Parsed:
    mentions: list[Mention] = field(default_factory=list)
    changes: list[MessageChange] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


def scoped(account: str, object_id: str) -> str:
    return f"{account}/{object_id}"


def split_scoped(platform_id: str) -> tuple[str, str]:
    account, _, object_id = platform_id.partition("/")
    return account, object_id


def _seconds(value: Any) -> datetime:
    if value in (None, ""):
        return timezone.now()
    number = int(value)
    # Messaging timestamps are milliseconds, feed times seconds.
    return datetime.fromtimestamp(number / 1000 if number > 10**11 else number, tz=UTC)


def parse_delivery(
    payload: dict[str, Any],
    *,
    pages: set[str],
    instagram: set[str],
    fetch_mention: Callable[[str, str], dict[str, Any]],
) -> Parsed:
    parsed = Parsed()
    kind = payload.get("object")
    for entry in payload.get("entry") or []:
        account = str(entry.get("id", ""))
        if account not in (pages if kind == "page" else instagram):
            parsed.ignored.append(f"an event for {account}, not connected to this channel")
            continue
        when = _seconds(entry.get("time"))
        for change in entry.get("changes") or []:
            if kind == "page":
                _feed_change(parsed, account, change, when)
            else:
                _instagram_change(parsed, account, change, when, fetch_mention)
        for item in entry.get("messaging") or []:
            _messaging(parsed, account, item, instagram=kind == "instagram")
    return parsed


def _feed_change(parsed: Parsed, page: str, change: dict[str, Any], when: datetime) -> None:
    if change.get("field") != "feed":
        parsed.unsupported.append(f"page field {change.get('field')!r}")
        return
    value = change.get("value") or {}
    item, verb = value.get("item"), value.get("verb")
    if item in IGNORED_FEED_ITEMS:
        parsed.ignored.append(IGNORED_FEED_ITEMS[item])
        return
    if item != "comment" and item not in POST_ITEMS:
        parsed.unsupported.append(f"feed item {item!r}")
        return
    object_id = value.get("comment_id") if item == "comment" else value.get("post_id")
    if not object_id:
        parsed.unsupported.append(f"feed {item} without an id")
        return
    platform_id = scoped(page, object_id)
    if verb in IGNORED_VERBS:
        parsed.ignored.append(IGNORED_VERBS[verb])
        return
    if verb == "remove":
        parsed.changes.append(MessageChange(platform_id, "removed", when))
        return
    if verb not in ("add", "edited"):
        parsed.unsupported.append(f"feed verb {verb!r}")
        return
    sender = value.get("from") or {}
    post_id = value.get("post_id", "")
    parent = value.get("parent_id", "") if item == "comment" else ""
    mention = Mention(
        platform_id=platform_id,
        author=Author(
            platform_user_id=str(sender.get("id", "")), display_name=sender.get("name", "")
        ),
        text=value.get("message", ""),
        created_at=_seconds(value.get("created_time")) if verb == "add" else when,
        parent_platform_id=scoped(page, parent) if parent else "",
        thread_platform_ids=(scoped(page, post_id),) if parent and parent != post_id else (),
        url=f"https://www.facebook.com/{object_id}",
        is_own=str(sender.get("id")) == page,
        attachments=tuple(
            MediaFile(name="photo", content_type="image/*", size=0, url=value["photo"])
            for _ in [0]
            if value.get("photo")
        ),
        metadata={"page": page, "item": item},
    )
    parsed.mentions.append(mention)
    if verb == "edited":
        parsed.changes.append(MessageChange(platform_id, "edited", when, text=mention.text))


def _instagram_change(
    parsed: Parsed,
    account: str,
    change: dict[str, Any],
    when: datetime,
    fetch_mention: Callable[[str, str], dict[str, Any]],
) -> None:
    name, value = change.get("field"), change.get("value") or {}
    if name in IGNORED_INSTAGRAM_FIELDS:
        parsed.ignored.append(IGNORED_INSTAGRAM_FIELDS[name])
        return
    if name == "comments":
        sender = value.get("from") or {}
        media = (value.get("media") or {}).get("id", "")
        parent = value.get("parent_id") or media
        parsed.mentions.append(
            _instagram_comment(
                account,
                value["id"],
                value.get("text", ""),
                sender,
                when,
                parent=parent,
                media=media,
            )
        )
        return
    if name == "mentions":
        # The notice names only the comment; its text is asked for with the account's token.
        # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/mentioned_comment
        found = fetch_mention(account, str(value.get("comment_id", "")))
        parsed.mentions.append(
            _instagram_comment(
                account,
                found["id"],
                found.get("text", ""),
                {
                    "id": found.get("from", {}).get("id") or found.get("username", ""),
                    "username": found.get("username", ""),
                },
                _iso(found.get("timestamp")) or when,
                parent="",
                media=str(value.get("media_id", "")),
            )
        )
        return
    parsed.unsupported.append(f"Instagram field {name!r}")


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


def _instagram_comment(
    account: str,
    comment_id: str,
    text: str,
    sender: dict[str, Any],
    when: datetime,
    *,
    parent: str,
    media: str,
) -> Mention:
    username = sender.get("username", "")
    return Mention(
        platform_id=scoped(account, comment_id),
        author=Author(
            platform_user_id=str(sender.get("id", "")),
            kind="instagram",
            handle=f"@{username}" if username else "",
            display_name=username,
            profile_url=f"https://www.instagram.com/{username}" if username else "",
        ),
        text=text,
        created_at=when,
        parent_platform_id=scoped(account, parent) if parent else "",
        thread_platform_ids=(scoped(account, media),) if media and media != parent else (),
        is_own=str(sender.get("id")) == account,
        metadata={"instagram_account": account, "media": media},
    )


def _messaging(parsed: Parsed, account: str, item: dict[str, Any], *, instagram: bool) -> None:
    sender = str((item.get("sender") or {}).get("id", ""))
    recipient = str((item.get("recipient") or {}).get("id", ""))
    when = _seconds(item.get("timestamp"))
    if "message_edit" in item:
        edit = item["message_edit"]
        parsed.changes.append(
            MessageChange(scoped(account, edit["mid"]), "edited", when, text=edit.get("text", ""))
        )
        return
    message = item.get("message")
    if not isinstance(message, dict):
        known = next((key for key in IGNORED_MESSAGING if key in item), None)
        if known:
            parsed.ignored.append(IGNORED_MESSAGING[known])
        else:
            parsed.unsupported.append("a messaging event of unknown type")
        return
    platform_id = scoped(account, message["mid"])
    if message.get("is_deleted"):
        parsed.changes.append(MessageChange(platform_id, "removed", when))
        return
    own = bool(message.get("is_echo"))
    # An echo is sent by the page: the person is its recipient.
    person = recipient if own else sender
    parsed.mentions.append(
        Mention(
            platform_id=platform_id,
            author=Author(
                platform_user_id=scoped(account, sender),
                kind="instagram" if instagram else "",
                display_name=("Instagram" if instagram else "Messenger") + f" user …{person[-4:]}",
            ),
            text=message.get("text", ""),
            created_at=when,
            # Private messages have no thread of their own: one conversation per person,
            # keyed by them, so each new message joins it.
            parent_platform_id=f"dm:{scoped(account, person)}",
            is_private=True,
            is_own=own,
            attachments=tuple(
                MediaFile(
                    name=attachment.get("type", "file"),
                    content_type=f"{attachment.get('type', 'application')}/*",
                    size=0,
                    url=attachment["payload"]["url"],
                )
                for attachment in message.get("attachments") or []
                if (attachment.get("payload") or {}).get("url")
            ),
            metadata={WINDOW_KEY: MESSAGING_WINDOW_HOURS, "account": account},
        )
    )

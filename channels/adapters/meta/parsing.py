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
from datetime import datetime
from typing import Any

from channels.adapters.base import Author, MediaFile, Mention, MessageChange
from channels.adapters.payload import MalformedPayload, ident, items, moment, obj, text
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
    if not object_id:
        raise MalformedPayload("an object without an id")
    return f"{account}/{object_id}"


def split_scoped(platform_id: str) -> tuple[str, str]:
    account, _, object_id = platform_id.partition("/")
    return account, object_id


def _seconds(value: Any) -> datetime:
    # Messaging timestamps are milliseconds, feed times seconds: `moment` tells them apart.
    return moment(value)


def parse_delivery(
    payload: dict[str, Any],
    *,
    pages: set[str],
    instagram: set[str],
    fetch_mention: Callable[[str, str], dict[str, Any]],
) -> Parsed:
    parsed = Parsed()
    kind = payload.get("object")
    if kind not in ("page", "instagram"):
        parsed.unsupported.append(f"an event for object type {text(payload, 'object')!r}")
        return parsed
    for entry in items(payload, "entry"):
        account = ident(entry, "id")
        if account not in (pages if kind == "page" else instagram):
            parsed.unsupported.append(
                f"an event for {kind} {account!r}, not connected to this channel"
            )
            continue
        when = _seconds(entry.get("time"))
        for change in items(entry, "changes"):
            if kind == "page":
                _feed_change(parsed, account, change, when)
            else:
                _instagram_change(parsed, account, change, when, fetch_mention)
        for item in items(entry, "messaging"):
            _messaging(parsed, account, item, instagram=kind == "instagram")
    return parsed


def _feed_change(parsed: Parsed, page: str, change: dict[str, Any], when: datetime) -> None:
    if change.get("field") != "feed":
        parsed.unsupported.append(f"page field {change.get('field')!r}")
        return
    value = obj(change, "value")
    item, verb = text(value, "item"), text(value, "verb")
    if item in IGNORED_FEED_ITEMS:
        parsed.ignored.append(IGNORED_FEED_ITEMS[item])
        return
    if item != "comment" and item not in POST_ITEMS:
        parsed.unsupported.append(f"feed item {item!r}")
        return
    object_id = ident(value, "comment_id" if item == "comment" else "post_id")
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
    sender = obj(value, "from")
    post_id = ident(value, "post_id")
    parent = ident(value, "parent_id") if item == "comment" else ""
    mention = Mention(
        platform_id=platform_id,
        author=Author(platform_user_id=ident(sender, "id"), display_name=text(sender, "name")),
        text=text(value, "message"),
        created_at=_seconds(value.get("created_time")) if verb == "add" else when,
        parent_platform_id=scoped(page, parent) if parent else "",
        thread_platform_ids=(scoped(page, post_id),) if parent and parent != post_id else (),
        url=f"https://www.facebook.com/{object_id}",
        is_own=ident(sender, "id") == page,
        attachments=tuple(
            MediaFile(name="photo", content_type="image/*", size=0, url=text(value, "photo"))
            for _ in [0]
            if text(value, "photo")
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
    name, value = text(change, "field"), obj(change, "value")
    if name in IGNORED_INSTAGRAM_FIELDS:
        parsed.ignored.append(IGNORED_INSTAGRAM_FIELDS[name])
        return
    if name == "comments":
        sender = obj(value, "from")
        media = ident(value, "media", "id")
        parent = ident(value, "parent_id") or media
        parsed.mentions.append(
            _instagram_comment(
                account,
                ident(value, "id"),
                text(value, "text"),
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
        comment_id = ident(value, "comment_id")
        if not comment_id:
            parsed.unsupported.append("an Instagram mention without a comment id")
            return
        found = obj(fetch_mention(account, comment_id))
        parsed.mentions.append(
            _instagram_comment(
                account,
                ident(found, "id"),
                text(found, "text"),
                {
                    "id": ident(found, "from", "id") or ident(found, "username"),
                    "username": text(found, "username"),
                },
                moment(found.get("timestamp")) if found.get("timestamp") else when,
                parent="",
                media=ident(value, "media_id"),
            )
        )
        return
    parsed.unsupported.append(f"Instagram field {name!r}")


def _instagram_comment(
    account: str,
    comment_id: str,
    body: str,
    sender: dict[str, Any],
    when: datetime,
    *,
    parent: str,
    media: str,
) -> Mention:
    username = text(sender, "username")
    return Mention(
        platform_id=scoped(account, comment_id),
        author=Author(
            platform_user_id=ident(sender, "id"),
            kind="instagram",
            handle=f"@{username}" if username else "",
            display_name=username,
            profile_url=f"https://www.instagram.com/{username}" if username else "",
        ),
        text=body,
        created_at=when,
        parent_platform_id=scoped(account, parent) if parent else "",
        thread_platform_ids=(scoped(account, media),) if media and media != parent else (),
        is_own=ident(sender, "id") == account,
        metadata={"instagram_account": account, "media": media},
    )


def _messaging(parsed: Parsed, account: str, item: dict[str, Any], *, instagram: bool) -> None:
    sender = ident(item, "sender", "id")
    recipient = ident(item, "recipient", "id")
    when = _seconds(item.get("timestamp"))
    if "message_edit" in item:
        edit = obj(item, "message_edit")
        if not ident(edit, "mid"):
            parsed.unsupported.append("a message edit without a message id")
            return
        parsed.changes.append(
            MessageChange(
                scoped(account, ident(edit, "mid")), "edited", when, text=text(edit, "text")
            )
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
    if not ident(message, "mid"):
        parsed.unsupported.append("a message without a message id")
        return
    platform_id = scoped(account, ident(message, "mid"))
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
            text=text(message, "text"),
            created_at=when,
            # Private messages have no thread of their own: one conversation per person,
            # keyed by them, so each new message joins it.
            parent_platform_id=f"dm:{scoped(account, person)}",
            is_private=True,
            is_own=own,
            attachments=tuple(
                MediaFile(
                    name=text(attachment, "type") or "file",
                    content_type=f"{text(attachment, 'type') or 'application'}/*",
                    size=0,
                    url=text(attachment, "payload", "url"),
                )
                for attachment in items(message, "attachments")
                if text(attachment, "payload", "url")
            ),
            metadata={WINDOW_KEY: MESSAGING_WINDOW_HOURS, "account": account},
        )
    )

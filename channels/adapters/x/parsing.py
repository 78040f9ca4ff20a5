"""X payloads into mentions: Account Activity deliveries (v1.1 shapes) and polled v2 posts.

Account Activity: https://docs.x.com/x-api/enterprise-gnip-2.0/fundamentals/account-activity
(each delivery names `for_user_id` and carries one or more `*_events` lists).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from channels.adapters.base import Author, MediaFile, Mention, MessageChange, ParsedEvent
from channels.adapters.payload import ident, items, moment, obj, text

# Account Activity event lists we know and deliberately do not ticket.
IGNORED_EVENTS = {
    "favorite_events": "a like",
    "follow_events": "a follow or unfollow",
    "unfollow_events": "an unfollow",
    "block_events": "a block",
    "unblock_events": "an unblock",
    "mute_events": "a mute",
    "unmute_events": "an unmute",
    "user_event": "an app permission change (a revoked token shows on the next API call)",
    "direct_message_indicate_typing_events": "a typing indicator",
    "direct_message_mark_read_events": "a read receipt",
    "tweet_delete_events": "",  # handled: removals
    "tweet_create_events": "",  # handled: posts
    "direct_message_events": "",  # handled: messages
}
ENVELOPE_KEYS = {"for_user_id", "users", "apps", "user_has_blocked", "source"}
V1_TIME = "%a %b %d %H:%M:%S %z %Y"


def _v1_time(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    try:
        return datetime.strptime(value, V1_TIME)
    except ValueError:
        return timezone.now()


def _iso_time(value: str | None) -> datetime:
    return moment(value)


def _millis(value: str | int | None) -> datetime:
    return moment(value)


def post_url(handle: str, post_id: str) -> str:
    return f"https://x.com/{handle or 'i'}/status/{post_id}"


def parse_activity(payload: dict[str, Any], account_id: str) -> ParsedEvent:
    present = [key for key in payload if key not in ENVELOPE_KEYS]
    unknown = [key for key in present if key not in IGNORED_EVENTS]
    if unknown:
        return ParsedEvent(unsupported_because=f"unknown Account Activity event {unknown[0]!r}")
    mentions: list[Mention] = []
    changes: list[MessageChange] = []
    for tweet in items(payload, "tweet_create_events"):
        if tweet.get("retweeted_status"):
            continue  # a repost says nothing new
        mentions.append(_v1_mention(tweet, account_id))
    users = obj(payload, "users")
    for event in items(payload, "direct_message_events"):
        if event.get("type") == "message_create":
            mentions.append(_dm_mention(event, users, account_id))
    for deleted in items(payload, "tweet_delete_events"):
        status = obj(deleted, "status")
        if ident(status, "id"):
            changes.append(
                MessageChange(
                    platform_id=ident(status, "id"),
                    kind="removed",
                    happened_at=_millis(deleted.get("timestamp_ms")),
                )
            )
    if not mentions and not changes:
        handled = [IGNORED_EVENTS[key] for key in present if IGNORED_EVENTS[key]]
        return ParsedEvent(ignored_because=", ".join(handled) or "a repost or an empty delivery")
    return ParsedEvent(mentions=tuple(mentions), changes=tuple(changes))


def _v1_mention(tweet: dict[str, Any], account_id: str) -> Mention:
    user = obj(tweet, "user")
    handle = text(user, "screen_name")
    post_id = ident(tweet, "id_str") or ident(tweet, "id")
    extended = obj(tweet, "extended_tweet")
    body = text(extended, "full_text") or text(tweet, "full_text") or text(tweet, "text")
    media = items(extended or tweet, "extended_entities", "media")
    language = text(tweet, "lang")
    return Mention(
        platform_id=post_id,
        author=Author(
            platform_user_id=ident(user, "id_str") or ident(user, "id"),
            handle=f"@{handle}" if handle else "",
            display_name=text(user, "name"),
            profile_url=f"https://x.com/{handle}" if handle else "",
        ),
        text=body,
        created_at=_v1_time(text(tweet, "created_at")),
        parent_platform_id=ident(tweet, "in_reply_to_status_id_str"),
        url=post_url(handle, post_id),
        language="" if language == "und" else language,
        is_own=ident(user, "id_str") == account_id,
        attachments=tuple(
            MediaFile(
                name=text(item, "media_url_https").rsplit("/", 1)[-1][:255] or "media",
                content_type="video/*"
                if item.get("type") in ("video", "animated_gif")
                else "image/*",
                size=0,
                url=text(item, "media_url_https"),
            )
            for item in media
            if text(item, "media_url_https")
        ),
    )


def _dm_mention(event: dict[str, Any], users: dict[str, Any], account_id: str) -> Mention:
    create = obj(event, "message_create")
    sender_id = ident(create, "sender_id")
    recipient_id = ident(create, "target", "recipient_id")
    other = recipient_id if sender_id == account_id else sender_id
    user = obj(users, sender_id)
    handle = text(user, "screen_name")
    return Mention(
        platform_id=ident(event, "id"),
        author=Author(
            platform_user_id=sender_id,
            handle=f"@{handle}" if handle else "",
            display_name=text(user, "name"),
            profile_url=f"https://x.com/{handle}" if handle else "",
        ),
        text=text(create, "message_data", "text"),
        created_at=_millis(event.get("created_timestamp")),
        # Direct messages have no thread of their own: one conversation per person.
        parent_platform_id=f"dm:{other}",
        is_private=True,
        is_own=sender_id == account_id,
    )


def parse_polled(payload: dict[str, Any], account_id: str) -> ParsedEvent:
    """A post found by polling, stored as {"data": post, "includes": {"users": [author]}}."""
    post = obj(payload, "data")
    users = {ident(u, "id"): u for u in items(payload, "includes", "users")}
    author = users.get(ident(post, "author_id")) or {}
    handle = text(author, "username")
    referenced = {text(ref, "type"): ident(ref, "id") for ref in items(post, "referenced_tweets")}
    if "retweeted" in referenced:
        return ParsedEvent(ignored_because="a repost")
    parent = referenced.get("replied_to", "")
    root = ident(post, "conversation_id")
    post_id = ident(post, "id")
    language = text(post, "lang")
    return ParsedEvent(
        mentions=(
            Mention(
                platform_id=post_id,
                author=Author(
                    platform_user_id=ident(post, "author_id"),
                    handle=f"@{handle}" if handle else "",
                    display_name=text(author, "name"),
                    profile_url=f"https://x.com/{handle}" if handle else "",
                ),
                text=text(post, "note_tweet", "text") or text(post, "text"),
                created_at=_iso_time(post.get("created_at")),
                parent_platform_id=parent,
                thread_platform_ids=(root,) if root and root not in (parent, post_id) else (),
                url=post_url(handle, post_id),
                language="" if language == "und" else language,
                is_own=ident(post, "author_id") == account_id,
            ),
        )
    )

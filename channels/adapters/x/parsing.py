"""X payloads into mentions: Account Activity deliveries (v1.1 shapes) and polled v2 posts.

Account Activity: https://docs.x.com/x-api/enterprise-gnip-2.0/fundamentals/account-activity
(each delivery names `for_user_id` and carries one or more `*_events` lists).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from channels.adapters.base import Author, MediaFile, Mention, MessageChange, ParsedEvent

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
    if not value:
        return timezone.now()
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _millis(value: str | int | None) -> datetime:
    if not value:
        return timezone.now()
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC)


def post_url(handle: str, post_id: str) -> str:
    return f"https://x.com/{handle or 'i'}/status/{post_id}"


def parse_activity(payload: dict[str, Any], account_id: str) -> ParsedEvent:
    present = [key for key in payload if key not in ENVELOPE_KEYS]
    unknown = [key for key in present if key not in IGNORED_EVENTS]
    if unknown:
        return ParsedEvent(unsupported_because=f"unknown Account Activity event {unknown[0]!r}")
    mentions: list[Mention] = []
    changes: list[MessageChange] = []
    for tweet in payload.get("tweet_create_events") or []:
        if tweet.get("retweeted_status"):
            continue  # a repost says nothing new
        mentions.append(_v1_mention(tweet, account_id))
    users = payload.get("users") or {}
    for event in payload.get("direct_message_events") or []:
        if event.get("type") == "message_create":
            mentions.append(_dm_mention(event, users, account_id))
    for deleted in payload.get("tweet_delete_events") or []:
        status = deleted.get("status") or {}
        if status.get("id"):
            changes.append(
                MessageChange(
                    platform_id=str(status["id"]),
                    kind="removed",
                    happened_at=_millis(deleted.get("timestamp_ms")),
                )
            )
    if not mentions and not changes:
        handled = [IGNORED_EVENTS[key] for key in present if IGNORED_EVENTS[key]]
        return ParsedEvent(ignored_because=", ".join(handled) or "a repost or an empty delivery")
    return ParsedEvent(mentions=tuple(mentions), changes=tuple(changes))


def _v1_mention(tweet: dict[str, Any], account_id: str) -> Mention:
    user = tweet.get("user") or {}
    handle = user.get("screen_name", "")
    text = (
        (tweet.get("extended_tweet") or {}).get("full_text")
        or tweet.get("full_text")
        or tweet.get("text", "")
    )
    media = ((tweet.get("extended_tweet") or tweet).get("extended_entities") or {}).get("media", [])
    return Mention(
        platform_id=tweet["id_str"],
        author=Author(
            platform_user_id=user.get("id_str", ""),
            handle=f"@{handle}" if handle else "",
            display_name=user.get("name", ""),
            profile_url=f"https://x.com/{handle}" if handle else "",
        ),
        text=text,
        created_at=_v1_time(tweet.get("created_at")),
        parent_platform_id=tweet.get("in_reply_to_status_id_str") or "",
        url=post_url(handle, tweet["id_str"]),
        language=str(tweet.get("lang") or "").replace("und", ""),
        is_own=user.get("id_str") == account_id,
        attachments=tuple(
            MediaFile(
                name=item.get("media_url_https", "").rsplit("/", 1)[-1][:255] or "media",
                content_type="video/*"
                if item.get("type") in ("video", "animated_gif")
                else "image/*",
                size=0,
                url=item["media_url_https"],
            )
            for item in media
            if item.get("media_url_https")
        ),
    )


def _dm_mention(event: dict[str, Any], users: dict[str, Any], account_id: str) -> Mention:
    create = event["message_create"]
    sender_id = str(create.get("sender_id", ""))
    recipient_id = str((create.get("target") or {}).get("recipient_id", ""))
    other = recipient_id if sender_id == account_id else sender_id
    user = users.get(sender_id) or {}
    handle = user.get("screen_name", "")
    return Mention(
        platform_id=str(event["id"]),
        author=Author(
            platform_user_id=sender_id,
            handle=f"@{handle}" if handle else "",
            display_name=user.get("name", ""),
            profile_url=f"https://x.com/{handle}" if handle else "",
        ),
        text=(create.get("message_data") or {}).get("text", ""),
        created_at=_millis(event.get("created_timestamp")),
        # Direct messages have no thread of their own: one conversation per person.
        parent_platform_id=f"dm:{other}",
        is_private=True,
        is_own=sender_id == account_id,
    )


def parse_polled(payload: dict[str, Any], account_id: str) -> ParsedEvent:
    """A post found by polling, stored as {"data": post, "includes": {"users": [author]}}."""
    post = payload["data"]
    users = {u["id"]: u for u in (payload.get("includes") or {}).get("users", [])}
    author = users.get(post.get("author_id", "")) or {}
    handle = author.get("username", "")
    referenced = {ref["type"]: ref["id"] for ref in post.get("referenced_tweets") or []}
    if "retweeted" in referenced:
        return ParsedEvent(ignored_because="a repost")
    parent = referenced.get("replied_to", "")
    root = post.get("conversation_id") or ""
    return ParsedEvent(
        mentions=(
            Mention(
                platform_id=str(post["id"]),
                author=Author(
                    platform_user_id=str(post.get("author_id", "")),
                    handle=f"@{handle}" if handle else "",
                    display_name=author.get("name", ""),
                    profile_url=f"https://x.com/{handle}" if handle else "",
                ),
                text=post.get("note_tweet", {}).get("text") or post.get("text", ""),
                created_at=_iso_time(post.get("created_at")),
                parent_platform_id=parent,
                thread_platform_ids=(root,) if root and root not in (parent, post["id"]) else (),
                url=post_url(handle, str(post["id"])),
                language=post.get("lang") if post.get("lang") not in (None, "und") else "",
                is_own=str(post.get("author_id")) == account_id,
            ),
        )
    )

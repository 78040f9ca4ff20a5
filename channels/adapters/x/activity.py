"""X Activity API (XAA) deliveries into mentions, edits and removals.

XAA replaces the Account Activity API, which X ends on 1 January 2027. Each delivery is one
event in an envelope, `{"data": {"event_uuid", "event_type", "filter": {"user_id"}, "tag",
"payload", "includes"}}`, subscribed per user and event type
(https://docs.x.com/x-api/activity/introduction, payloads: .../activity/event-payloads).
Posts are API v2 post objects; direct messages keep the v1.1 `direct_message_events` shape
with a `users` map of v2 users wrapped in `{"data": ...}`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from channels.adapters.base import Author, Mention, MessageChange, ParsedEvent
from channels.adapters.x.parsing import post_url

# Events a support channel subscribes to for its account (see subscribe_all in __init__).
SUBSCRIBED_EVENTS = (
    "post.mention.create",
    "post.reply.create",
    "post.quote.create",
    "post.create",
    "post.delete",
    "dm.received",
    "dm.sent",
    "oauth.revoke",
)
POST_EVENTS = frozenset({"post.mention.create", "post.reply.create", "post.quote.create"})
DM_EVENTS = frozenset({"dm.received", "dm.sent"})
# Known events we deliberately do not ticket; anything else is stored as unsupported.
IGNORED_EVENTS = {
    "post.repost.create": "a repost",
    "like.create": "a like",
    "follow.follow": "a follow",
    "follow.unfollow": "an unfollow",
    "mute.mute": "a mute",
    "mute.unmute": "an unmute",
    "block.block": "a block",
    "block.unblock": "an unblock",
    "dm.read": "a read receipt",
    "dm.indicate_typing": "a typing indicator",
    "spaces.start": "a Space started",
    "spaces.end": "a Space ended",
    "broadcast.start": "a live broadcast started",
    "broadcast.end": "a live broadcast ended",
    "news.new": "a news item",
    # XChat messages are end-to-end encrypted: X delivers only that one arrived.
    "chat.received": "an encrypted XChat message (its text cannot be read through the API)",
    "chat.sent": "an encrypted XChat message we sent",
    "chat.conversation_join": "an XChat conversation joined",
}
PROFILE_PREFIX = "profile.update."


def is_activity(payload: dict[str, Any]) -> bool:
    data = payload.get("data")
    return isinstance(data, dict) and isinstance(data.get("event_type"), str)


def event_user(payload: dict[str, Any]) -> str:
    """The account the event was delivered for; empty when X names none."""
    data = payload["data"]
    user = (data.get("filter") or {}).get("user_id")
    if not user and data["event_type"] == "oauth.revoke":
        user = (data.get("payload") or {}).get("user_id")
    return str(user or "")


def parse_xaa(payload: dict[str, Any], account_id: str) -> ParsedEvent:
    data = payload["data"]
    event_type = data["event_type"]
    body = data.get("payload") or {}
    includes = data.get("includes") or {}
    if event_type in POST_EVENTS or event_type == "post.create":
        return ParsedEvent(mentions=(_post(body, includes, account_id),))
    if event_type == "post.delete":
        if not body.get("id"):
            return ParsedEvent(unsupported_because="a post.delete without the post's id")
        change = MessageChange(
            platform_id=str(body["id"]), kind="removed", happened_at=timezone.now()
        )
        return ParsedEvent(changes=(change,))
    if event_type in DM_EVENTS:
        return _direct_messages(body, account_id)
    if event_type == "oauth.revoke":
        # The next API call is refused with 401, which disables the channel with its reason.
        return ParsedEvent(
            ignored_because="the account revoked socialdesk's access on X; connect it again"
        )
    if event_type in IGNORED_EVENTS:
        return ParsedEvent(ignored_because=IGNORED_EVENTS[event_type])
    if event_type.startswith(PROFILE_PREFIX):
        return ParsedEvent(ignored_because="a profile change")
    return ParsedEvent(unsupported_because=f"unknown X Activity event {event_type!r}")


def _user(value: dict[str, Any]) -> dict[str, Any]:
    # XAA wraps some users in {"data": {...}} and not others.
    inner = value.get("data")
    return inner if isinstance(inner, dict) else value


def _post(post: dict[str, Any], includes: dict[str, Any], account_id: str) -> Mention:
    users = {str(_user(u).get("id")): _user(u) for u in includes.get("users") or []}
    author_id = str(post.get("author_id", ""))
    author = users.get(author_id, {})
    handle = author.get("username", "")
    referenced = {ref["type"]: ref["id"] for ref in post.get("referenced_tweets") or []}
    parent = str(referenced.get("replied_to") or post.get("in_reply_to_tweet_id") or "")
    root = str(post.get("conversation_id") or "")
    return Mention(
        platform_id=str(post["id"]),
        author=Author(
            platform_user_id=author_id,
            handle=f"@{handle}" if handle else "",
            display_name=author.get("name", ""),
            profile_url=f"https://x.com/{handle}" if handle else "",
        ),
        text=(post.get("note_tweet") or {}).get("text") or post.get("text", ""),
        created_at=_iso(post.get("created_at")),
        parent_platform_id=parent,
        thread_platform_ids=(root,) if root and root not in (parent, str(post["id"])) else (),
        url=post_url(handle, str(post["id"])),
        language="" if post.get("lang") in (None, "und") else str(post["lang"]),
        is_own=author_id == account_id,
    )


def _direct_messages(body: dict[str, Any], account_id: str) -> ParsedEvent:
    users = {str(key): _user(value) for key, value in (body.get("users") or {}).items()}
    mentions = []
    for event in body.get("direct_message_events") or []:
        if event.get("type") != "message_create":
            continue
        create = event["message_create"]
        sender_id = str(create.get("sender_id", ""))
        recipient_id = str((create.get("target") or {}).get("recipient_id", ""))
        other = recipient_id if sender_id == account_id else sender_id
        user = users.get(sender_id, {})
        handle = user.get("username", "")
        mentions.append(
            Mention(
                platform_id=str(event["id"]),
                author=Author(
                    platform_user_id=sender_id,
                    handle=f"@{handle}" if handle else "",
                    display_name=user.get("name", ""),
                    profile_url=f"https://x.com/{handle}" if handle else "",
                ),
                text=(create.get("message_data") or {}).get("text", ""),
                created_at=_millis(event.get("created_timestamp")),
                # The same conversation key as Account Activity and polling: one per person.
                parent_platform_id=f"dm:{other}",
                is_private=True,
                is_own=sender_id == account_id,
            )
        )
    if not mentions:
        return ParsedEvent(ignored_because="a direct message event without a message")
    return ParsedEvent(mentions=tuple(mentions))


def _iso(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _millis(value: str | int | None) -> datetime:
    if not value:
        return timezone.now()
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC)

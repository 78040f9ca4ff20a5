"""Threads webhook deliveries into mentions.

A delivery: `{"app_id", "topic", "target_id", "time", "subscription_id", "values": {"field",
"value"}}`; `target_id` is the Threads user the app was installed by, `field` one of the
subscribed fields. https://developers.facebook.com/docs/threads/webhooks
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from channels.adapters.base import Author, Mention, MessageChange, ParsedEvent

IGNORED_FIELDS = {"publish": "a post of ours published"}


def _time(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    try:
        # Threads writes "+0000", which fromisoformat reads since Python 3.11.
        return datetime.fromisoformat(value)
    except ValueError:
        return timezone.now()


def profile_url(username: str) -> str:
    return f"https://www.threads.net/@{username}" if username else ""


def parse_threads(payload: dict[str, Any], *, user_id: str, username: str) -> ParsedEvent:
    if str(payload.get("target_id", "")) != user_id:
        return ParsedEvent(
            ignored_because=f"an event for Threads user {payload.get('target_id')}, "
            "which no channel of this app serves"
        )
    values = payload["values"]
    field, value = values.get("field"), values.get("value") or {}
    if field in ("replies", "mentions"):
        return ParsedEvent(mentions=(_mention(value, username),))
    if field == "delete" and value.get("id"):
        change = MessageChange(
            platform_id=str(value["id"]), kind="removed", happened_at=timezone.now()
        )
        return ParsedEvent(changes=(change,))
    if field in IGNORED_FIELDS:
        return ParsedEvent(ignored_because=IGNORED_FIELDS[field])
    return ParsedEvent(unsupported_because=f"unknown Threads webhook field {field!r}")


def _mention(value: dict[str, Any], our_username: str) -> Mention:
    author = str(value.get("username", ""))
    parent = str((value.get("replied_to") or {}).get("id") or "")
    root = str((value.get("root_post") or {}).get("id") or "")
    post_id = str(value["id"])
    return Mention(
        platform_id=post_id,
        # Threads webhooks name people by username only; it is their identity here.
        author=Author(
            platform_user_id=author,
            handle=f"@{author}" if author else "",
            profile_url=profile_url(author),
        ),
        text=value.get("text") or "",
        created_at=_time(value.get("timestamp")),
        parent_platform_id=parent,
        thread_platform_ids=(root,) if root and root not in (parent, post_id) else (),
        url=value.get("permalink") or "",
        is_own=bool(author) and author.lower() == our_username.lower(),
        metadata={"media_type": value.get("media_type", "")},
    )

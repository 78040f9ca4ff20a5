"""Bluesky direct messages through the chat service (`chat.bsky.*`).

Chat calls go to the account's PDS, which forwards them to the chat service named in the
`atproto-proxy` header (https://docs.bsky.app/docs/api/chat-bsky-convo-get-log). The app
password must be created with "Allow access to your direct messages". New messages are read
from the conversation log (`getLog`) after the last seen revision; answers go into the same
conversation with `sendMessage`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from channels.adapters.base import Author, Mention, ParsedEvent, RawEvent

CHAT_PROXY = {"atproto-proxy": "did:web:api.bsky.chat#bsky_chat"}
CREATE_MESSAGE = "chat.bsky.convo.defs#logCreateMessage"
CONVO_PREFIX = "chat-convo:"
MAX_LOG_PAGES = 5

Xrpc = Callable[..., dict[str, Any]]


def new_chat_messages(xrpc: Xrpc, since: str | None) -> tuple[list[RawEvent], str | None]:
    """Messages created after revision `since`, oldest first, and the newest revision seen.

    A first read only notes where the log stands: earlier messages are not the desk's work.
    """
    events: list[RawEvent] = []
    cursor, newest = since, since
    for _ in range(MAX_LOG_PAGES):
        params = {"cursor": cursor} if cursor else {}
        page = xrpc("GET", "chat.bsky.convo.getLog", params=params, headers=CHAT_PROXY)
        logs = page.get("logs") or []
        for entry in logs:
            newest = max(newest or "", str(entry.get("rev", "")))
            if since is not None and entry.get("$type") == CREATE_MESSAGE:
                message = entry.get("message") or {}
                events.append(RawEvent(_json(entry), f"chat:{message.get('id', '')}"))
        cursor = page.get("cursor")
        if not logs or not cursor or cursor == since:
            break
    return events, newest or ""


def _json(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry).encode()


def is_chat_log(payload: dict[str, Any]) -> bool:
    return str(payload.get("$type", "")).startswith("chat.bsky.convo.defs#log")


def parse_chat(
    payload: dict[str, Any], *, own_did: str, profile: Callable[[str], dict[str, Any]]
) -> ParsedEvent:
    if payload.get("$type") != CREATE_MESSAGE:
        return ParsedEvent(ignored_because=f"a chat log entry ({payload.get('$type')})")
    message = payload.get("message") or {}
    sender = str((message.get("sender") or {}).get("did", ""))
    found = profile(sender) if sender != own_did else {}
    handle = found.get("handle", "")
    return ParsedEvent(
        mentions=(
            Mention(
                platform_id=f"chat:{message.get('id', '')}",
                author=Author(
                    platform_user_id=sender,
                    handle=f"@{handle}" if handle else "",
                    display_name=found.get("displayName") or handle,
                    profile_url=f"https://bsky.app/profile/{handle or sender}",
                ),
                text=message.get("text", ""),
                created_at=_moment(message.get("sentAt")),
                # One conversation per chat: its messages have no thread of their own.
                parent_platform_id=f"{CONVO_PREFIX}{payload.get('convoId', '')}",
                is_private=True,
                is_own=sender == own_did,
            ),
        )
    )


def _moment(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return timezone.now()
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

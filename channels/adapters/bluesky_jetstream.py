"""Jetstream messages (stored by the Bluesky stream consumer) into mentions and changes.

A message: `{"did", "time_us", "kind": "commit", "commit": {"rev", "operation",
"collection", "rkey", "record", "cid"}}` (https://github.com/bluesky-social/jetstream).
Jetstream names the author by DID only; the handle and name come from the profile.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from channels.adapters.base import Author, Mention, MessageChange, ParsedEvent

POST_TYPE = "app.bsky.feed.post"


def is_jetstream(payload: dict[str, Any]) -> bool:
    return "time_us" in payload and isinstance(payload.get("commit"), dict)


def _moment(time_us: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(time_us) / 1_000_000, tz=UTC)
    except (TypeError, ValueError):
        return timezone.now()


def parse_jetstream(
    payload: dict[str, Any],
    *,
    own_did: str,
    profile: Callable[[str], dict[str, Any]],
) -> ParsedEvent:
    commit = payload["commit"]
    did = str(payload.get("did", ""))
    if commit.get("collection") != POST_TYPE:
        return ParsedEvent(unsupported_because=f"record type {commit.get('collection')!r}")
    uri = f"at://{did}/{POST_TYPE}/{commit.get('rkey', '')}"
    operation = commit.get("operation")
    happened = _moment(payload.get("time_us"))
    if operation == "delete":
        return ParsedEvent(
            changes=(MessageChange(platform_id=uri, kind="removed", happened_at=happened),)
        )
    record = commit.get("record") or {}
    if operation == "update":
        change = MessageChange(
            platform_id=uri, kind="edited", happened_at=happened, text=record.get("text", "")
        )
        return ParsedEvent(changes=(change,))
    if operation != "create":
        return ParsedEvent(unsupported_because=f"unknown commit operation {operation!r}")
    found = profile(did)
    handle = found.get("handle", "")
    reply = record.get("reply") or {}
    parent = (reply.get("parent") or {}).get("uri", "")
    root = (reply.get("root") or {}).get("uri", "")
    langs = record.get("langs") or []
    created = record.get("createdAt")
    return ParsedEvent(
        mentions=(
            Mention(
                platform_id=uri,
                author=Author(
                    platform_user_id=did,
                    handle=f"@{handle}" if handle else "",
                    display_name=found.get("displayName") or handle,
                    profile_url=f"https://bsky.app/profile/{handle or did}",
                ),
                text=record.get("text", ""),
                created_at=_iso(created) or happened,
                parent_platform_id=parent,
                thread_platform_ids=(root,) if root and root != parent else (),
                url=f"https://bsky.app/profile/{handle or did}/post/{commit.get('rkey', '')}",
                language=langs[0] if langs else "",
                is_own=did == own_did,
                metadata={"cid": commit.get("cid", "")},
            ),
        )
    )


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

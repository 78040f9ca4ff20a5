"""What a stream consumer needs from a platform: where to connect, what to keep, and how far
it has read."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from channels.adapters.base import RawEvent

if TYPE_CHECKING:
    from channels.models import Channel

SOURCES: dict[str, str] = {
    "bluesky": "channels.streams.jetstream.JetstreamSource",
    "mastodon": "channels.streams.mastodon.MastodonStreamSource",
}


@dataclass(frozen=True)
class Read:
    """What one stream message yields: raw events to store and the cursor after them."""

    events: tuple[RawEvent, ...] = ()
    # Empty when the message does not move the cursor.
    cursor: dict[str, Any] = field(default_factory=dict)


class StreamSource:
    """One channel's stream. Subclasses connect to a websocket and filter its messages."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.adapter = channel.adapter()

    def url(self, cursor: dict[str, Any]) -> str:
        raise NotImplementedError

    def headers(self) -> dict[str, str]:
        return {}

    def backfill(self, cursor: dict[str, Any]) -> Read:
        """What happened while we were away, read before the stream (no replay on it)."""
        return Read(cursor=cursor)

    def read(self, message: str | bytes, cursor: dict[str, Any]) -> Read:
        raise NotImplementedError


class NoStream(LookupError):
    pass


@cache
def source_class(kind: str) -> type[StreamSource]:
    try:
        module_path, _, class_name = SOURCES[kind].rpartition(".")
    except KeyError:
        raise NoStream(f"{kind!r} channels have no stream to consume.") from None
    return getattr(import_module(module_path), class_name)

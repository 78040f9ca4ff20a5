"""Bluesky in real time through Jetstream, a JSON rendering of the AT Protocol firehose.

https://github.com/bluesky-social/jetstream — `wantedCollections` filters by record type and
`cursor` (a time in microseconds) replays from that moment, so a consumer restarted with the
last stored event's `time_us` misses nothing; the event at the cursor itself comes again and
is stored once, by its id.

Mentions come from anyone, so the stream cannot be narrowed to our account with
`wantedDids` (that filters by author): it carries every post, and this source keeps those
that mention our DID, reply to or quote our posts, or carry a tracked term, plus edits and
deletions by people the desk already holds posts of.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from channels.adapters.base import RawEvent
from channels.adapters.bluesky import POST_TYPE
from channels.streams.base import Read, StreamSource
from tickets.models import Message

KNOWN_REFRESH_SECONDS = 300


class JetstreamSource(StreamSource):
    def __init__(self, channel: Any) -> None:
        super().__init__(channel)
        self.did = self.adapter.own_did()
        self.terms = [term.lower() for term in self.adapter.tracked_terms()]
        self._known: set[str] = set()
        self._known_at = 0.0

    def url(self, cursor: dict[str, Any]) -> str:
        query: list[tuple[str, str]] = [("wantedCollections", POST_TYPE)]
        if cursor.get("time_us"):
            query.append(("cursor", str(cursor["time_us"])))
        return f"{self.adapter.config['jetstream_url']}?{urlencode(query)}"

    def known_authors(self) -> set[str]:
        """DIDs whose posts the desk holds: their edits and deletions matter to us."""
        if time.monotonic() - self._known_at > KNOWN_REFRESH_SECONDS:
            uris = Message.objects.filter(
                channel=self.channel, platform_id__startswith="at://"
            ).values_list("platform_id", flat=True)
            # Added to, never replaced: authors seen this session may not be processed yet.
            self._known |= {
                uri.split("/")[2] for uri in uris.iterator() if uri and uri.count("/") >= 3
            }
            self._known_at = time.monotonic()
        return self._known

    def read(self, message: str | bytes, cursor: dict[str, Any]) -> Read:
        event = json.loads(message)
        if "time_us" in event:
            cursor = {**cursor, "time_us": int(event["time_us"])}
        commit = event.get("commit") or {}
        if event.get("kind") != "commit" or commit.get("collection") != POST_TYPE:
            return Read(cursor=cursor)
        did = str(event.get("did", ""))
        uri = f"at://{did}/{POST_TYPE}/{commit.get('rkey', '')}"
        operation = commit.get("operation")
        if operation == "create" and self._concerns_us(did, commit.get("record") or {}):
            self._known.add(did)
            # The post's URI is its id everywhere: the poller finding it too stores nothing.
            raw = RawEvent(body=json.dumps(event).encode(), delivery_id=uri)
        elif operation in ("update", "delete") and (did in self.known_authors() or did == self.did):
            raw = RawEvent(
                body=json.dumps(event).encode(),
                delivery_id=f"{operation}:{uri}:{commit.get('rev', '')}",
            )
        else:
            return Read(cursor=cursor)
        return Read(events=(raw,), cursor=cursor)

    def _concerns_us(self, did: str, record: dict[str, Any]) -> bool:
        ours = f"at://{self.did}/"
        reply = record.get("reply") or {}
        refs = [
            (reply.get("parent") or {}).get("uri", ""),
            (reply.get("root") or {}).get("uri", ""),
        ]
        embed = record.get("embed") or {}
        refs.append((embed.get("record") or {}).get("uri", ""))
        refs.append(((embed.get("record") or {}).get("record") or {}).get("uri", ""))
        if did == self.did:
            # Our own replies, echoed: recorded against the outbound message.
            return bool(reply)
        if any(str(ref).startswith(ours) for ref in refs):
            return True
        for facet in record.get("facets") or []:
            for feature in facet.get("features") or []:
                if feature.get("did") == self.did:
                    return True
                if feature.get("tag") and f"#{feature['tag']}".lower() in self.terms:
                    return True
        text = str(record.get("text", "")).lower()
        return any(term in text for term in self.terms)

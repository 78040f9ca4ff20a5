"""Mastodon in real time: the user stream of the company's account over a websocket.

https://docs.joinmastodon.org/methods/streaming/ — messages are `{"stream": [...],
"event": ..., "payload": ...}` where the payload is a JSON string (a notification, a status)
or, for `delete`, the deleted status's id. The stream has no replay: on every connection the
notifications since the cursor are read over REST first, after the socket is open, so
nothing that arrives meanwhile is lost, and what both deliver is stored once (the poller's
ids: `notification:<id>`).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from channels.adapters.base import RawEvent
from channels.streams.base import Read, StreamSource


def _newer(a: str | None, b: str) -> str:
    if not a:
        return b
    return max(a, b, key=lambda value: (len(value), value))


class MastodonStreamSource(StreamSource):
    def url(self, cursor: dict[str, Any]) -> str:
        base = self.adapter.config.get("streaming_url") or self.adapter.config["instance_url"]
        parts = urlsplit(base)
        scheme = {"https": "wss", "http": "ws"}.get(parts.scheme, parts.scheme)
        return urlunsplit(
            (scheme, parts.netloc, "/api/v1/streaming", urlencode({"stream": "user"}), "")
        )

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.adapter.secret('access_token')}"}

    def backfill(self, cursor: dict[str, Any]) -> Read:
        events = []
        # A channel polled before starts where the poller stands, not at the backlog.
        after = cursor.get("notification") or self.channel.poll_cursor.get("notifications")
        while True:
            page = self.adapter.mentions_after(after)
            if not page:
                break
            for notification in page:
                events.append(self._notification(notification))
                after = _newer(after, str(notification["id"]))
            if not after or len(page) < self.adapter.page_size:
                break
        cursor = {**cursor, "notification": after} if after else cursor
        return Read(events=tuple(events), cursor=cursor)

    def read(self, message: str | bytes, cursor: dict[str, Any]) -> Read:
        envelope = json.loads(message)
        event = envelope.get("event")
        payload = envelope.get("payload")
        if event == "notification":
            notification = json.loads(payload)
            if notification.get("type") != "mention":
                return Read(cursor=cursor)
            cursor = {
                **cursor,
                "notification": _newer(cursor.get("notification"), notification["id"]),
            }
            return Read(events=(self._notification(notification),), cursor=cursor)
        if event == "status.update":
            status = json.loads(payload)
            body = {"stream_event": "status.update", "status": status}
            delivery = f"status.update:{status['id']}:{status.get('edited_at') or ''}"
        elif event == "delete":
            body = {"stream_event": "delete", "id": str(payload)}
            delivery = f"delete:{payload}"
        else:
            # New statuses of the home timeline, filters, announcements: not the desk's.
            return Read(cursor=cursor)
        raw = RawEvent(body=json.dumps(body).encode(), delivery_id=delivery)
        return Read(events=(raw,), cursor=cursor)

    @staticmethod
    def _notification(notification: dict[str, Any]) -> RawEvent:
        return RawEvent(
            body=json.dumps(notification).encode(), delivery_id=f"notification:{notification['id']}"
        )

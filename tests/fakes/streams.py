"""Websocket platforms on 127.0.0.1: Bluesky's Jetstream and a Mastodon user stream.

Each keeps a timeline that a test publishes into (a burst, one event every few
milliseconds); every connection follows it from its starting point. Jetstream starts a
connection with a `cursor` at the first event at or after that time, without one at the
live end; Mastodon's stream has no replay and always starts at the live end.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from tests.fakes.mastodon import TOKEN as MASTODON_TOKEN

BLUESKY_DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
POST = "app.bsky.feed.post"


class FakeStream:
    def __init__(self) -> None:
        self.timeline: list[Any] = []
        self.lock = threading.Lock()
        self.connections: list[dict[str, Any]] = []
        self.sent = 0
        self._server: Server | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def publish(self, event: dict[str, Any] | str) -> None:
        with self.lock:
            self.timeline.append(event)

    def publish_burst(self, events: list[dict[str, Any]], *, every: float) -> threading.Thread:
        def run() -> None:
            for event in events:
                self.publish(event)
                time.sleep(every)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def start_at(self, query: dict[str, str]) -> int:
        return len(self.timeline)

    def accept(self, connection: ServerConnection) -> bool:
        return True

    def encode(self, event: dict[str, Any] | str) -> str:
        # A string is sent as it is: a test's malformed message.
        return event if isinstance(event, str) else json.dumps(event)

    def _handle(self, connection: ServerConnection) -> None:
        assert connection.request is not None
        query = {k: v[0] for k, v in parse_qs(urlsplit(connection.request.path).query).items()}
        if not self.accept(connection):
            connection.close(code=4001, reason="unauthorized")
            return
        with self.lock:
            position = self.start_at(query)
            self.connections.append({"query": query, "start": position})
        try:
            while not self._stopping.is_set():
                with self.lock:
                    pending = self.timeline[position:]
                for event in pending:
                    connection.send(self.encode(event))
                    position += 1
                    self.sent += 1
                # A client that went away is noticed here even when nothing is sent.
                try:
                    connection.recv(timeout=0.002)
                except TimeoutError:
                    pass
        except ConnectionClosed:
            return
        connection.close()

    @contextmanager
    def running(self) -> Iterator[FakeStream]:
        self._server = serve(self._handle, "127.0.0.1", 0, compression=None)
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stopping.set()
            self._server.shutdown()


class FakeJetstream(FakeStream):
    def __init__(self) -> None:
        super().__init__()
        self._clock = itertools.count(1_796_112_000_000_000, 1_000)

    def start_at(self, query: dict[str, str]) -> int:
        if "cursor" not in query:
            return len(self.timeline)
        cursor = int(query["cursor"])
        return next(
            (i for i, event in enumerate(self.timeline) if event["time_us"] >= cursor),
            len(self.timeline),
        )

    def post(
        self, did: str, rkey: str, text: str, *, mention: bool = False, reply_to: str = ""
    ) -> dict[str, Any]:
        record: dict[str, Any] = {
            "$type": POST,
            "text": text,
            "createdAt": "2026-12-01T09:00:00.000Z",
            "langs": ["de"],
        }
        if mention:
            record["facets"] = [
                {
                    "index": {"byteStart": 0, "byteEnd": 21},
                    "features": [{"$type": "app.bsky.richtext.facet#mention", "did": BLUESKY_DID}],
                }
            ]
        if reply_to:
            ref = {"uri": reply_to, "cid": "bafyreib2rxk3rh6kzwq"}
            record["reply"] = {"root": ref, "parent": ref}
        return self.commit(did, rkey, "create", record)

    def commit(
        self, did: str, rkey: str, operation: str, record: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        commit: dict[str, Any] = {
            "rev": f"3l{next(self._clock) % 10**9:09d}",
            "operation": operation,
            "collection": POST,
            "rkey": rkey,
        }
        if record is not None:
            commit.update(
                record=record, cid="bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"
            )
        return {"did": did, "time_us": next(self._clock), "kind": "commit", "commit": commit}


class FakeMastodonStream(FakeStream):
    """The streaming server of a Mastodon instance; the REST side is tests.fakes.mastodon."""

    def accept(self, connection: ServerConnection) -> bool:
        assert connection.request is not None
        given = connection.request.headers.get("Authorization", "")
        return urlsplit(connection.request.path).path == "/api/v1/streaming" and (
            given == f"Bearer {MASTODON_TOKEN}"
        )

    def notification(self, notification: dict[str, Any]) -> None:
        self.publish(
            {"stream": ["user"], "event": "notification", "payload": json.dumps(notification)}
        )

    def status_update(self, status: dict[str, Any]) -> None:
        self.publish({"stream": ["user"], "event": "status.update", "payload": json.dumps(status)})

    def delete(self, status_id: str) -> None:
        self.publish({"stream": ["user"], "event": "delete", "payload": status_id})

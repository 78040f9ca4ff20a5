"""A Bluesky PDS/AppView's XRPC endpoints, as much of them as the adapter uses."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from typing import Any

from tests.fakes.fixtures import fixture_json
from tests.fakes.server import FakePlatform, Request, Response

HANDLE = "infopark.bsky.social"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"


class FakeBluesky(FakePlatform):
    def __init__(self) -> None:
        super().__init__()
        self.session = fixture_json("bluesky", "session__create")
        self.did = self.session["did"]
        # com.atproto.appPassPrivileged when the app password may read direct messages.
        self.scope = "com.atproto.appPass"
        self.valid_access: set[str] = set()
        self.valid_refresh: set[str] = set()
        self.notifications: list[dict[str, Any]] = []
        self.searchable: list[dict[str, Any]] = []
        self.posts: dict[str, dict[str, Any]] = {}
        self.records: dict[tuple[str, str], dict[str, Any]] = {}
        self._tokens = itertools.count(1)
        # The chat service's log: entries with increasing revisions.
        self.chat_log: list[dict[str, Any]] = []
        self.chat_sent: list[dict[str, Any]] = []
        self._revs = itertools.count(1)

    def add_notification(self, notification: dict[str, Any]) -> None:
        self.notifications.append(notification)
        if notification["record"].get("$type") == "app.bsky.feed.post":
            self.add_post(
                {k: notification[k] for k in ("uri", "cid", "author", "record", "indexedAt")}
            )

    def add_post(self, post: dict[str, Any], *, searchable: bool = False) -> None:
        self.posts[post["uri"]] = post
        if searchable:
            self.searchable.append(post)

    def expire_access_tokens(self) -> None:
        self.valid_access.clear()

    def _issue(self) -> dict[str, Any]:
        n = next(self._tokens)
        # Shaped like the PDS's JWTs: the claims name what the app password may do.
        claims = {"scope": self.scope, "sub": self.did, "n": n}
        encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        access, refresh = f"eyJhbGciOiJIUzI1NiJ9.{encoded}.access-{n}", f"refresh-{n}"
        self.valid_access.add(access)
        self.valid_refresh.add(refresh)
        return {**self.session, "accessJwt": access, "refreshJwt": refresh}

    def handle(self, request: Request) -> Response:
        nsid = request.path.removeprefix("/xrpc/")
        if nsid == "com.atproto.server.createSession":
            body = request.json()
            if body != {"identifier": HANDLE, "password": APP_PASSWORD}:
                return Response(
                    401,
                    {
                        "error": "AuthenticationRequired",
                        "message": "Invalid identifier or password",
                    },
                )
            return Response(200, self._issue())
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if nsid == "com.atproto.server.refreshSession":
            if token not in self.valid_refresh:
                return Response(400, {"error": "ExpiredToken", "message": "Token has expired"})
            self.valid_refresh.discard(token)
            return Response(200, self._issue())
        if token not in self.valid_access:
            return Response(400, {"error": "ExpiredToken", "message": "Token has expired"})
        route = getattr(self, "_" + nsid.replace(".", "_"), None)
        if route is None:
            return Response(501, {"error": "MethodNotImplemented"})
        return route(request)

    def _app_bsky_notification_listNotifications(self, request: Request) -> Response:
        limit = int(request.arg("limit", "50") or 50)
        start = int(request.arg("cursor", "0") or 0)
        ordered = sorted(self.notifications, key=lambda n: n["indexedAt"], reverse=True)
        page = ordered[start : start + limit]
        body: dict[str, Any] = {"notifications": page, "priority": False}
        if start + limit < len(ordered):
            body["cursor"] = str(start + limit)
        return Response(200, body)

    def add_chat_message(self, convo: str, sender: str, text: str) -> dict[str, Any]:
        rev = f"3lchat{next(self._revs):07d}"
        entry = {
            "$type": "chat.bsky.convo.defs#logCreateMessage",
            "rev": rev,
            "convoId": convo,
            "message": {
                "$type": "chat.bsky.convo.defs#messageView",
                "id": f"msg{rev}",
                "rev": rev,
                "text": text,
                "sender": {"did": sender},
                "sentAt": "2026-12-01T10:00:00.000Z",
            },
        }
        self.chat_log.append(entry)
        return entry

    def _chat(self, request: Request) -> Response | None:
        if request.headers.get("atproto-proxy") != "did:web:api.bsky.chat#bsky_chat":
            return Response(400, {"error": "InvalidRequest", "message": "no chat proxy"})
        return None

    def _chat_bsky_convo_getLog(self, request: Request) -> Response:
        refused = self._chat(request)
        if refused:
            return refused
        since = request.arg("cursor") or ""
        logs = [entry for entry in self.chat_log if entry["rev"] > since][:50]
        cursor = logs[-1]["rev"] if logs else (since or None)
        return Response(200, {"logs": logs, **({"cursor": cursor} if cursor else {})})

    def _chat_bsky_convo_sendMessage(self, request: Request) -> Response:
        refused = self._chat(request)
        if refused:
            return refused
        body = request.json()
        entry = self.add_chat_message(body["convoId"], self.did, body["message"]["text"])
        self.chat_sent.append(body)
        return Response(200, entry["message"])

    def _app_bsky_actor_getProfile(self, request: Request) -> Response:
        did = request.arg("actor", "") or ""
        handle = f"{did.rsplit(':', 1)[-1][:8]}.bsky.social"
        return Response(200, {"did": did, "handle": handle, "displayName": f"Person {handle[:4]}"})

    def _app_bsky_feed_searchPosts(self, request: Request) -> Response:
        query = (request.arg("q") or "").lower()
        since = request.arg("since") or ""
        limit = int(request.arg("limit", "25") or 25)
        found = [
            post
            for post in self.searchable
            if query in post["record"]["text"].lower() and post["indexedAt"] >= since
        ]
        found.sort(key=lambda p: p["indexedAt"], reverse=True)
        return Response(200, {"posts": found[:limit], "hitsTotal": len(found)})

    def _app_bsky_feed_getPosts(self, request: Request) -> Response:
        uris = request.query.get("uris", [])
        return Response(200, {"posts": [self.posts[uri] for uri in uris if uri in self.posts]})

    def _com_atproto_repo_createRecord(self, request: Request) -> Response:
        body = request.json()
        if body["repo"] != self.did:
            return Response(400, {"error": "InvalidRequest", "message": "Repo mismatch"})
        key = (body["collection"], body["rkey"])
        if key in self.records:
            return Response(400, {"error": "InvalidRequest", "message": "Record already exists"})
        uri = f"at://{self.did}/{body['collection']}/{body['rkey']}"
        cid = "bafyrei" + hashlib.sha256(uri.encode()).hexdigest()[:52]
        self.records[key] = {"uri": uri, "cid": cid, "value": body["record"]}
        self.add_post(
            {
                "uri": uri,
                "cid": cid,
                "author": {"did": self.did, "handle": HANDLE},
                "record": body["record"],
                "indexedAt": body["record"]["createdAt"],
            }
        )
        return Response(
            200,
            {
                "uri": uri,
                "cid": cid,
                "commit": {"cid": "bafyreicommit", "rev": "3kmbh"},
                "validationStatus": "valid",
            },
        )

    def _com_atproto_repo_getRecord(self, request: Request) -> Response:
        record = self.records.get((request.arg("collection") or "", request.arg("rkey") or ""))
        if record is None:
            return Response(400, {"error": "RecordNotFound", "message": "Could not locate record"})
        return Response(200, record)

"""The YouTube Data API v3 and Google's token endpoint, as much as the adapter uses."""

from __future__ import annotations

import copy
import itertools
from typing import Any

from tests.fakes.fixtures import fixture_json
from tests.fakes.oauth import AuthorizationServer
from tests.fakes.server import FakePlatform, Request, Response

CHANNEL_ID = "UCpq4Lrz3h3Yq0mC0hZxWq7g"
REFRESH = "yt-refresh-1"
CLIENT_ID = "yt-client.apps.googleusercontent.com"
CLIENT_SECRET = "yt-client-secret"


class FakeYouTube(FakePlatform):
    def __init__(self) -> None:
        super().__init__()
        self.refresh_token = REFRESH
        self.issued = 0
        self.threads: list[dict[str, Any]] = []
        self.videos: dict[str, list[dict[str, Any]]] = {}
        self.inserted: list[dict[str, Any]] = []
        self.quota_exceeded = False
        self._ids = itertools.count(1)
        # Google's sign-in for web server apps (offline access: a refresh token comes back).
        self.oauth = AuthorizationServer(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            authorize_path="/o/oauth2/v2/auth",
            token_path="/token",
            revoke_path="/revoke",
            issue=self._issue_pair,
            expires_in=3599,
        )

    @property
    def token(self) -> str:
        return f"yt-access-{self.issued}"

    def _issue_pair(self) -> tuple[str, str]:
        self.issued += 1
        return self.token, self.refresh_token

    def handle(self, request: Request) -> Response:
        if (signed_in := self.oauth.handle(request)) is not None:
            return signed_in
        if request.path == "/token":
            form = dict(pair.split("=", 1) for pair in request.body.decode().split("&"))
            if form.get("refresh_token") != self.refresh_token:
                return Response(400, fixture_json("youtube", "token__invalid_grant"))
            self.issued += 1
            return Response(
                200,
                {
                    "access_token": self.token,
                    "expires_in": 3599,
                    "token_type": "Bearer",
                    "scope": "https://www.googleapis.com/auth/youtube.force-ssl",
                },
            )
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return Response(
                401,
                {
                    "error": {
                        "code": 401,
                        "message": "Invalid Credentials",
                        "errors": [{"reason": "authError"}],
                    }
                },
            )
        if self.quota_exceeded:
            return Response(403, fixture_json("youtube", "error__quota_exceeded"))
        resource = request.path.removeprefix("/youtube/v3/")
        if resource == "channels" and (
            request.arg("mine") == "true" or request.arg("id") == CHANNEL_ID
        ):
            mine = {"id": CHANNEL_ID, "snippet": {"title": "Infopark"}}
            return Response(200, {"items": [mine]})
        if resource == "commentThreads" and request.method == "GET":
            return self._threads(request)
        if resource == "comments" and request.method == "GET":
            parent = request.arg("parentId")
            thread = next(t for t in self.threads if t["id"] == parent)
            return Response(200, {"items": (thread.get("replies") or {}).get("comments", [])})
        if resource == "comments" and request.method == "POST":
            return self._insert_reply(request)
        if resource == "commentThreads" and request.method == "POST":
            body = request.json()
            comment_id = f"Ugw{next(self._ids):020d}"
            self.inserted.append({"video": body["snippet"]["videoId"], "id": comment_id})
            return Response(
                200,
                {
                    "id": comment_id,
                    "snippet": {
                        "topLevelComment": {
                            "id": comment_id,
                            "snippet": body["snippet"]["topLevelComment"]["snippet"],
                        }
                    },
                },
            )
        if resource == "search":
            return Response(200, {"items": self.videos.get(request.arg("q", "") or "", [])})
        return Response(404, {"error": {"code": 404, "message": resource}})

    def _threads(self, request: Request) -> Response:
        assert request.arg("allThreadsRelatedToChannelId") == CHANNEL_ID

        def latest(thread: dict[str, Any]) -> str:
            comments = [
                thread["snippet"]["topLevelComment"],
                *(thread.get("replies") or {}).get("comments", []),
            ]
            return max(c["snippet"]["updatedAt"] for c in comments)

        ordered = sorted(self.threads, key=latest, reverse=True)
        start = int(request.arg("pageToken", "0") or 0)
        size = int(request.arg("maxResults", "20") or 20)
        body: dict[str, Any] = {"items": copy.deepcopy(ordered[start : start + size])}
        if start + size < len(ordered):
            body["nextPageToken"] = str(start + size)
        return Response(200, body)

    def _insert_reply(self, request: Request) -> Response:
        snippet = request.json()["snippet"]
        parent = snippet["parentId"]
        if "." in parent:
            return Response(
                400,
                {
                    "error": {
                        "code": 400,
                        "message": "The parent comment is a reply.",
                        "errors": [{"reason": "operationNotSupported"}],
                    }
                },
            )
        comment = {
            "kind": "youtube#comment",
            "id": f"{parent}.A{next(self._ids):010d}",
            "snippet": {
                "parentId": parent,
                "textOriginal": snippet["textOriginal"],
                "authorChannelId": {"value": CHANNEL_ID},
                "publishedAt": "2026-03-02T12:00:00Z",
                "updatedAt": "2026-03-02T12:00:00Z",
            },
        }
        self.inserted.append(comment)
        thread = next((t for t in self.threads if t["id"] == parent), None)
        if thread is not None:
            thread.setdefault("replies", {"comments": []})["comments"].append(comment)
            thread["snippet"]["totalReplyCount"] += 1
        return Response(200, comment)

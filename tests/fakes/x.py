"""X's API v2, as much of it as the adapter uses: mentions, recent search, posting, DMs,
OAuth 2.0 refresh with rotating refresh tokens, and the rate-limit headers."""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from tests.fakes.server import FakePlatform, Request, Response

ACCOUNT_ID = "1545342867340054528"
CONSUMER_SECRET = "x-consumer-secret"
TOKEN = "x-access-1"
REFRESH = "x-refresh-1"
CLIENT_ID = "x-client-id"


class FakeX(FakePlatform):
    def __init__(self) -> None:
        super().__init__()
        self.token = TOKEN
        self.refresh_token = REFRESH
        self.mentions: list[dict[str, Any]] = []
        self.search: dict[str, list[dict[str, Any]]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.posted: list[dict[str, Any]] = []
        self.dms: list[dict[str, Any]] = []
        self.page_size = 100
        # Set to a number to send x-rate-limit-remaining with every answer.
        self.remaining: int | None = None
        self._ids = itertools.count(1896200000000000000)

    def add_post(self, post: dict[str, Any], user: dict[str, Any], *, term: str = "") -> None:
        self.users[user["id"]] = user
        (self.search.setdefault(term, []) if term else self.mentions).append(post)

    def handle(self, request: Request) -> Response:
        if request.path == "/2/oauth2/token":
            return self._token(request)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return Response(
                401,
                {
                    "title": "Unauthorized",
                    "type": "about:blank",
                    "status": 401,
                    "detail": "Unauthorized",
                },
            )
        path = request.path
        if path == "/2/users/me":
            return Response(200, {"data": {"id": ACCOUNT_ID, "username": "infopark"}})
        if re.fullmatch(rf"/2/users/{ACCOUNT_ID}/mentions", path):
            return self._page(self.mentions, request, "pagination_token")
        if path == "/2/tweets/search/recent":
            query = request.arg("query", "") or ""
            term = query.split(" ")[0]
            return self._page(self.search.get(term, []), request, "next_token")
        if path == "/2/tweets" and request.method == "POST":
            return self._post(request)
        if match := re.fullmatch(r"/2/dm_conversations/with/(\d+)/messages", path):
            event_id = str(next(self._ids))
            self.dms.append({"to": match.group(1), "id": event_id, **request.json()})
            return Response(
                201,
                {
                    "data": {
                        "dm_conversation_id": f"{ACCOUNT_ID}-{match.group(1)}",
                        "dm_event_id": event_id,
                    }
                },
            )
        if path == f"/2/users/{ACCOUNT_ID}/tweets":
            return Response(
                200,
                {"data": list(reversed(self.posted)), "meta": {"result_count": len(self.posted)}},
            )
        return Response(404, {"title": "Not Found Error", "detail": path})

    def _headers(self) -> dict[str, str]:
        if self.remaining is None:
            return {}
        return {
            "x-rate-limit-limit": "450",
            "x-rate-limit-remaining": str(self.remaining),
            "x-rate-limit-reset": str(int(time.time()) + 900),
        }

    def _page(self, posts: list[dict[str, Any]], request: Request, token_name: str) -> Response:
        ordered = sorted(posts, key=lambda p: int(p["id"]), reverse=True)
        since = request.arg("since_id")
        if since:
            ordered = [p for p in ordered if int(p["id"]) > int(since)]
        size = min(int(request.arg("max_results", "10") or 10), self.page_size)
        start = int(request.arg(token_name, "0") or 0)
        page = ordered[start : start + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if start + size < len(ordered):
            meta["next_token"] = str(start + size)
        body: dict[str, Any] = {"meta": meta}
        if page:
            body["data"] = page
            body["includes"] = {"users": [self.users[p["author_id"]] for p in page]}
        return Response(200, body, self._headers())

    def _post(self, request: Request) -> Response:
        body = request.json()
        if len(body["text"]) > 280:
            return Response(400, {"title": "Invalid Request", "detail": "Text is too long."})
        post_id = str(next(self._ids))
        post = {"id": post_id, "text": body["text"], "edit_history_tweet_ids": [post_id]}
        if body.get("reply"):
            post["referenced_tweets"] = [
                {"type": "replied_to", "id": body["reply"]["in_reply_to_tweet_id"]}
            ]
        self.posted.append(post)
        return Response(201, {"data": {"id": post_id, "text": body["text"]}})

    def _token(self, request: Request) -> Response:
        form = dict(pair.split("=", 1) for pair in request.body.decode().split("&"))
        if (
            form.get("grant_type") != "refresh_token"
            or form.get("refresh_token") != self.refresh_token
        ):
            return Response(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Value passed for the token was invalid.",
                },
            )
        number = int(self.token.rsplit("-", 1)[1]) + 1
        self.token, self.refresh_token = f"x-access-{number}", f"x-refresh-{number}"
        return Response(
            200,
            {
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": self.token,
                "refresh_token": self.refresh_token,
                "scope": "tweet.read tweet.write users.read dm.read dm.write offline.access",
            },
        )

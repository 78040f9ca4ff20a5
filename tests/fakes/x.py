"""X's API v2, as much of it as the adapter uses: mentions, recent search, posting, DMs,
OAuth 2.0 refresh with rotating refresh tokens, the rate-limit headers, and the X Activity
API: webhook registration with its CRC check, subscriptions, and signed event delivery."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from tests.fakes.oauth import AuthorizationServer
from tests.fakes.server import FakePlatform, Request, Response

ACCOUNT_ID = "1545342867340054528"
CONSUMER_SECRET = "x-consumer-secret"
TOKEN = "x-access-1"
REFRESH = "x-refresh-1"
CLIENT_ID = "x-client-id"
CLIENT_SECRET = "x-client-secret"
APP_BEARER = "x-app-bearer"
# Event types X accepts in a subscription (https://docs.x.com/x-api/activity/introduction).
ACTIVITY_EVENTS = frozenset(
    {
        "post.create",
        "post.delete",
        "post.mention.create",
        "post.reply.create",
        "post.quote.create",
        "post.repost.create",
        "like.create",
        "follow.follow",
        "follow.unfollow",
        "dm.received",
        "dm.sent",
        "dm.read",
        "dm.indicate_typing",
        "oauth.revoke",
        "profile.update.bio",
    }
)


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
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        # Sign-in with OAuth 2.0 and PKCE; the tokens it issues are the ones the API takes.
        self.oauth = AuthorizationServer(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            authorize_path="/i/oauth2/authorize",
            token_path="/2/oauth2/token",
            revoke_path="/2/oauth2/revoke",
            issue=lambda: (self.token, self.refresh_token),
        )

    def add_post(self, post: dict[str, Any], user: dict[str, Any], *, term: str = "") -> None:
        self.users[user["id"]] = user
        (self.search.setdefault(term, []) if term else self.mentions).append(post)

    def handle(self, request: Request) -> Response:
        if (signed_in := self.oauth.handle(request)) is not None:
            return signed_in
        if request.path == "/2/oauth2/token":
            return self._token(request)
        if request.path == "/2/webhooks":
            return self._register_webhook(request)
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
        if path.startswith("/2/activity/subscriptions"):
            return self._subscriptions(request)
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

    # -- X Activity API ---------------------------------------------------------------------

    def _register_webhook(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {APP_BEARER}":
            return Response(403, {"title": "Forbidden", "detail": "An app-only token is needed."})
        url = request.json()["url"]
        if not crc_answered(url):
            return Response(400, {"errors": [{"message": "CrcValidationFailed"}]})
        webhook_id = str(next(self._ids))
        self.webhooks[webhook_id] = {"id": webhook_id, "url": url, "valid": True}
        return Response(200, {"data": self.webhooks[webhook_id]})

    def _subscriptions(self, request: Request) -> Response:
        if request.method == "GET":
            listed = list(self.subscriptions.values())
            return Response(200, {"data": listed, "meta": {"total_subscriptions": len(listed)}})
        if request.method == "DELETE":
            self.subscriptions.pop(request.path.rsplit("/", 1)[1], None)
            return Response(200, {"data": {"deleted": True}})
        body = request.json()
        if body.get("event_type") not in ACTIVITY_EVENTS:
            return Response(400, {"errors": [{"message": "InvalidEventType"}]})
        if body.get("webhook_id") and body["webhook_id"] not in self.webhooks:
            return Response(400, {"errors": [{"message": "WebhookIdInvalid"}]})
        for existing in self.subscriptions.values():
            if (existing["event_type"], existing["filter"]) == (body["event_type"], body["filter"]):
                return Response(409, {"errors": [{"message": "DuplicateSubscription"}]})
        subscription_id = str(next(self._ids))
        self.subscriptions[subscription_id] = {
            "subscription_id": subscription_id,
            "event_type": body["event_type"],
            "filter": body["filter"],
            "tag": body.get("tag", ""),
            "webhook_id": body.get("webhook_id", ""),
            "created_at": "2026-12-01T09:00:00.000Z",
            "updated_at": "2026-12-01T09:00:00.000Z",
        }
        return Response(200, {"data": self.subscriptions[subscription_id]})

    def emit(self, event_type: str, payload: dict[str, Any], includes: Any = None) -> list[int]:
        """Deliver one event to every webhook subscribed to it, signed as X signs; the
        answers' status codes."""
        statuses = []
        for item in self.subscriptions.values():
            if item["event_type"] != event_type or not item["webhook_id"]:
                continue
            data = {
                "event_uuid": str(next(self._ids)),
                "filter": item["filter"],
                "event_type": event_type,
                "tag": item["tag"],
                "payload": payload,
            }
            if includes is not None:
                data["includes"] = includes
            body = json.dumps({"data": data}).encode()
            digest = hmac.new(CONSUMER_SECRET.encode(), body, hashlib.sha256).digest()
            post = urllib.request.Request(
                self.webhooks[item["webhook_id"]]["url"],
                data=body,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "x-twitter-webhooks-signature": "sha256=" + base64.b64encode(digest).decode(),
                },
            )
            with urllib.request.urlopen(post, timeout=10) as answer:
                statuses.append(answer.status)
        return statuses


def crc_answered(url: str) -> bool:
    """X's Challenge-Response Check: GET the URL with a crc_token, expect its HMAC back."""
    token = secrets.token_urlsafe(16)
    try:
        with urllib.request.urlopen(f"{url}?{urlencode({'crc_token': token})}", timeout=10) as r:
            answer = json.loads(r.read())
    except (urllib.error.URLError, ValueError):
        return False
    digest = hmac.new(CONSUMER_SECRET.encode(), token.encode(), hashlib.sha256).digest()
    return answer.get("response_token") == "sha256=" + base64.b64encode(digest).decode()

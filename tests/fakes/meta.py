"""Meta's Graph API, as much as the adapter uses: comments and replies, Messenger and
Instagram send API (with private replies and the messaging window), hiding comments, the
mentioned_comment lookup, and what channel health asks: the token's permissions and the
page's app subscription."""

from __future__ import annotations

import itertools
import re
from typing import Any

from tests.fakes.fixtures import fixture_json
from tests.fakes.server import FakePlatform, Request, Response

PAGE_ID = "105101002386405"
IG_ID = "17841400000000001"
PAGE_TOKEN = "page-token-1"
APP_SECRET = "meta-app-secret"
VERIFY_TOKEN = "meta-verify-token"
VERSION = "v23.0"


class FakeGraph(FakePlatform):
    def __init__(self) -> None:
        super().__init__()
        self.token = PAGE_TOKEN
        self.comments: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []
        self.hidden: dict[str, dict[str, list[str]]] = {}
        self.window_closed = False
        # /me/permissions: each permission with its status ("granted", "declined").
        self.permissions: dict[str, str] = {}
        # /{page}/subscribed_apps: the fields the app is subscribed to, per page.
        self.subscribed_fields: dict[str, list[str]] = {}
        self._ids = itertools.count(3034600000000001)

    def handle(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return Response(400, fixture_json("meta", "graph__token_invalid"))
        path = request.path.removeprefix(f"/{VERSION}")
        if request.method == "GET" and path == "/me/permissions":
            rows = [{"permission": name, "status": s} for name, s in self.permissions.items()]
            return Response(200, {"data": rows})
        if request.method == "GET" and (match := re.fullmatch(r"/(\d+)/subscribed_apps", path)):
            fields = self.subscribed_fields.get(match.group(1))
            apps = [{"id": "1", "name": "socialdesk", "subscribed_fields": fields}]
            return Response(200, {"data": apps if fields is not None else []})
        if match := re.fullmatch(r"/([\w]+)/(comments|replies)", path):
            return self._comment(match.group(1), match.group(2), request)
        if match := re.fullmatch(r"/(\d+)/messages", path):
            return self._message(match.group(1), request)
        if request.method == "GET" and path == f"/{IG_ID}":
            return Response(200, fixture_json("meta", "graph__mentioned_comment"))
        if request.method == "GET" and path == f"/{PAGE_ID}":
            return Response(200, {"name": "Infopark", "id": PAGE_ID})
        if request.method == "POST" and (match := re.fullmatch(r"/([\w]+)", path)):
            self.hidden[match.group(1)] = request.query
            return Response(200, {"success": True})
        return Response(404, {"error": {"message": f"Unknown path {path}", "code": 803}})

    def _comment(self, parent: str, edge: str, request: Request) -> Response:
        new_id = str(next(self._ids))
        comment_id = new_id if edge == "replies" else f"{parent.split('_')[0]}_{new_id}"
        self.comments.append({"id": comment_id, "parent": parent, "edge": edge, **request.json()})
        return Response(200, {"id": comment_id})

    def _message(self, page: str, request: Request) -> Response:
        body = request.json()
        if self.window_closed:
            return Response(400, fixture_json("meta", "graph__window_closed"))
        comment = body["recipient"].get("comment_id")
        if comment and any(m["recipient"].get("comment_id") == comment for m in self.messages):
            return Response(
                400,
                {
                    "error": {
                        "message": "(#10900) Activity already replied to",
                        "code": 10900,
                        "type": "OAuthException",
                    }
                },
            )
        message_id = f"m_{next(self._ids)}"
        self.messages.append({"page": page, "message_id": message_id, **body})
        return Response(
            200,
            {
                "recipient_id": body["recipient"].get("id", "7041234567890123"),
                "message_id": message_id,
            },
        )

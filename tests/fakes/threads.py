"""The Threads API, as much as the adapter uses: reply containers and publishing, the
publishing limit (replies per 24 hours), manage_reply (hide/unhide), our replies, permalinks."""

from __future__ import annotations

import itertools
import re

from tests.fakes.server import FakePlatform, Request, Response

USER_ID = "17841400000000042"
USERNAME = "infopark"
TOKEN = "threads-token-1"
APP_SECRET = "threads-app-secret"
VERIFY_TOKEN = "threads-verify-token"
VERSION = "v1.0"


class FakeThreads(FakePlatform):
    def __init__(self) -> None:
        super().__init__()
        self.token = TOKEN
        self.containers: dict[str, dict[str, str]] = {}
        self.published: list[dict[str, str]] = []
        self.hidden: dict[str, bool] = {}
        self.reply_quota_total = 1000
        self.replies_used = 0
        self._ids = itertools.count(18050000000000001)

    def handle(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return Response(
                401,
                {
                    "error": {
                        "message": "Invalid OAuth access token.",
                        "type": "OAuthException",
                        "code": 190,
                    }
                },
            )
        path = request.path.removeprefix(f"/{VERSION}")
        query = {name: values[0] for name, values in request.query.items()}
        if path == f"/{USER_ID}/threads_publishing_limit":
            return Response(
                200,
                {
                    "data": [
                        {
                            "reply_quota_usage": self.replies_used,
                            "reply_config": {
                                "quota_total": self.reply_quota_total,
                                "quota_duration": 86400,
                            },
                        }
                    ]
                },
            )
        if path == f"/{USER_ID}/threads" and request.method == "POST":
            if len(query.get("text", "")) > 500:
                return Response(400, {"error": {"message": "Text too long", "code": 100}})
            creation_id = str(next(self._ids))
            self.containers[creation_id] = query
            return Response(200, {"id": creation_id})
        if path == f"/{USER_ID}/threads_publish" and request.method == "POST":
            container = self.containers.pop(query.get("creation_id", ""), None)
            if container is None:
                return Response(400, {"error": {"message": "Unknown container", "code": 24}})
            media_id = str(next(self._ids))
            if container.get("reply_to_id"):
                self.replies_used += 1
            self.published.append({"id": media_id, **container})
            return Response(200, {"id": media_id})
        if path == f"/{USER_ID}/replies":
            data = [
                {
                    "id": item["id"],
                    "text": item["text"],
                    "permalink": permalink(item["id"]),
                    "replied_to": {"id": item["reply_to_id"]},
                }
                for item in reversed(self.published)
                if item.get("reply_to_id")
            ]
            return Response(200, {"data": data})
        if match := re.fullmatch(r"/(\d+)/manage_reply", path):
            self.hidden[match.group(1)] = query.get("hide") == "true"
            return Response(200, {"success": True})
        if path == "/me":
            return Response(200, {"id": USER_ID, "username": USERNAME})
        if match := re.fullmatch(r"/(\d+)", path):
            return Response(200, {"id": match.group(1), "permalink": permalink(match.group(1))})
        return Response(404, {"error": {"message": f"Unknown path {path}", "code": 803}})


def permalink(media_id: str) -> str:
    return f"https://www.threads.net/@{USERNAME}/post/{media_id[-6:]}"

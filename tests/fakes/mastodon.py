"""A Mastodon instance's REST API, as much of it as the adapter uses."""

from __future__ import annotations

import itertools
import re
from typing import Any
from urllib.parse import parse_qs

from tests.fakes.fixtures import fixture_json
from tests.fakes.oauth import AuthorizationServer
from tests.fakes.server import FakePlatform, Request, Response

TOKEN = "mastodon-token-1"


def _desc_page(items: list[dict[str, Any]], request: Request) -> list[dict[str, Any]]:
    limit = int(request.arg("limit", "20") or 20)
    ordered = sorted(items, key=lambda item: int(item["id"]))
    min_id = request.arg("min_id")
    if min_id:
        # min_id: the page immediately newer than the id (Mastodon's forward paging).
        page = [item for item in ordered if int(item["id"]) > int(min_id)][:limit]
    else:
        page = ordered[-limit:]
    return list(reversed(page))


class FakeMastodon(FakePlatform):
    def __init__(self) -> None:
        super().__init__()
        self.account = fixture_json("mastodon", "account__verify_credentials")
        self.notifications: list[dict[str, Any]] = []
        self.tags: dict[str, list[dict[str, Any]]] = {}
        self.statuses: dict[str, dict[str, Any]] = {}
        self.posted: list[dict[str, Any]] = []
        self.by_idempotency_key: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(113000000000000000)
        # Older instances ignore the types[] filter and send every notification.
        self.filters_types = True
        # Apps registered with POST /api/v1/apps; the sign-in takes the latest one.
        self.apps: list[dict[str, Any]] = []
        self.oauth = AuthorizationServer(
            client_id="",
            client_secret="",
            authorize_path="/oauth/authorize",
            token_path="/oauth/token",
            revoke_path="/oauth/revoke",
            issue=lambda: (TOKEN, ""),
            expires_in=None,
        )

    def add_notification(self, notification: dict[str, Any]) -> None:
        self.notifications.append(notification)
        if notification.get("status"):
            self.statuses[notification["status"]["id"]] = notification["status"]

    def add_to_tag(self, tag: str, status: dict[str, Any]) -> None:
        self.tags.setdefault(tag, []).append(status)
        self.statuses[status["id"]] = status

    def handle(self, request: Request) -> Response:
        if request.path == "/api/v1/apps" and request.method == "POST":
            return self._register_app(request)
        if (signed_in := self.oauth.handle(request)) is not None:
            return signed_in
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Response(401, {"error": "The access token is invalid"})
        path = request.path
        if path == "/api/v1/accounts/verify_credentials":
            return Response(200, self.account)
        if path == "/api/v1/notifications":
            types = request.query.get("types[]") if self.filters_types else None
            items = [n for n in self.notifications if not types or n["type"] in types]
            return Response(200, _desc_page(items, request))
        if match := re.fullmatch(r"/api/v1/timelines/tag/([^/]+)", path):
            return Response(200, _desc_page(self.tags.get(match.group(1), []), request))
        if match := re.fullmatch(r"/api/v1/statuses/(\d+)/context", path):
            descendants = [
                s for s in self.statuses.values() if s.get("in_reply_to_id") == match.group(1)
            ]
            return Response(200, {"ancestors": [], "descendants": descendants})
        if match := re.fullmatch(r"/api/v1/statuses/(\d+)", path):
            status = self.statuses.get(match.group(1))
            return Response(200, status) if status else Response(404, {"error": "Record not found"})
        if path == "/api/v1/statuses" and request.method == "POST":
            return self._post_status(request)
        return Response(404, {"error": "Not found"})

    def _register_app(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        app = {
            "id": str(len(self.apps) + 1),
            "name": form.get("client_name", ""),
            "redirect_uri": form.get("redirect_uris", ""),
            "scopes": form.get("scopes", "read").split(),
            "client_id": f"mastodon-client-{len(self.apps) + 1}",
            "client_secret": f"mastodon-secret-{len(self.apps) + 1}",
        }
        self.apps.append(app)
        self.oauth.client_id, self.oauth.client_secret = app["client_id"], app["client_secret"]
        return Response(200, app)

    def _post_status(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key", "")
        if key and key in self.by_idempotency_key:
            return Response(200, self.by_idempotency_key[key])
        body = request.json()
        if len(body["status"]) > 500:
            return Response(
                422, {"error": "Validation failed: Text character limit of 500 exceeded"}
            )
        status_id = str(next(self._ids))
        status = {
            "id": status_id,
            "created_at": "2026-03-02T12:00:00.000Z",
            "in_reply_to_id": body.get("in_reply_to_id"),
            "visibility": body.get("visibility", "public"),
            "content": f"<p>{body['status']}</p>",
            "url": f"https://mastodon.social/@infopark/{status_id}",
            "uri": f"https://mastodon.social/users/infopark/statuses/{status_id}",
            "account": self.account,
            "media_attachments": [],
        }
        self.statuses[status_id] = status
        self.posted.append(status)
        if key:
            self.by_idempotency_key[key] = status
        return Response(200, status)

"""Facebook Login for Business and the Graph API calls that connect pages.

The consent dialog and code exchange (tests.fakes.oauth), the trade for a long-lived user
token, /me/permissions, /me/accounts with two pages (one with an Instagram business
account), page subscriptions to the app (POST/DELETE /{page}/subscribed_apps, each with its
own page token) and the app's webhook callback (/{app-id}/subscriptions, verified with a GET
challenge to the callback first, as Meta does).
"""

from __future__ import annotations

import json
import re
import secrets
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlencode

from tests.fakes.oauth import AuthorizationServer
from tests.fakes.server import FakePlatform, Request, Response

APP_ID = "1234567890"
APP_SECRET = "meta-login-app-secret"
VERSION = "v23.0"
SHORT_TOKEN = "user-short-1"
LONG_TOKEN = "user-long-1"
PAGES = [
    {"id": "111", "name": "Infopark", "access_token": "page-111-token", "instagram": "1784111"},
    {"id": "222", "name": "Infopark Support", "access_token": "page-222-token"},
    {"id": "333", "name": "Infopark Jobs", "access_token": "page-333-token"},
]
ALL_PERMISSIONS = [
    "pages_show_list",
    "pages_manage_metadata",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_manage_engagement",
    "pages_messaging",
    "instagram_basic",
    "instagram_manage_comments",
    "instagram_manage_messages",
]


def challenge_answered(url: str, verify_token: str) -> bool:
    challenge = secrets.token_hex(8)
    query = urlencode(
        {"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": challenge}
    )
    try:
        with urllib.request.urlopen(f"{url}?{query}", timeout=10) as answer:
            return bool(answer.read().decode() == challenge)
    except urllib.error.URLError:
        return False


class FakeMetaLogin(FakePlatform):
    def __init__(self) -> None:
        super().__init__()
        self.oauth = AuthorizationServer(
            client_id=APP_ID,
            client_secret=APP_SECRET,
            authorize_path=f"/{VERSION}/dialog/oauth",
            token_path=f"/{VERSION}/oauth/access_token",
            issue=lambda: (SHORT_TOKEN, ""),
            expires_in=3600,
            reports_scope=False,
        )
        self.subscribed: dict[str, str] = {}
        self.unsubscribed: list[str] = []
        self.app_subscriptions: list[dict[str, Any]] = []

    def handle(self, request: Request) -> Response:
        if (signed_in := self.oauth.handle(request)) is not None:
            return signed_in
        path = request.path.removeprefix(f"/{VERSION}")
        if path == "/oauth/access_token" and request.method == "GET":
            return self._long_lived(request)
        if path == f"/{APP_ID}/subscriptions":
            return self._app_subscriptions(request)
        if match := re.fullmatch(r"/(\d+)/subscribed_apps", path):
            return self._page_subscription(match.group(1), request)
        if request.headers.get("Authorization") != f"Bearer {LONG_TOKEN}":
            return Response(400, {"error": {"message": "Invalid OAuth access token", "code": 190}})
        if path == "/me/permissions":
            granted = self.oauth.last_scopes or ALL_PERMISSIONS
            return Response(
                200,
                {
                    "data": [
                        {
                            "permission": name,
                            "status": "granted" if name in granted else "declined",
                        }
                        for name in ALL_PERMISSIONS
                    ]
                },
            )
        if path == "/me/accounts":
            return Response(200, {"data": [self._page(page) for page in PAGES]})
        return Response(404, {"error": {"message": f"Unknown path {path}", "code": 803}})

    @staticmethod
    def _page(page: dict[str, str]) -> dict[str, Any]:
        shown: dict[str, Any] = {k: page[k] for k in ("id", "name", "access_token")}
        if page.get("instagram"):
            shown["instagram_business_account"] = {"id": page["instagram"], "username": "infopark"}
        return shown

    def _long_lived(self, request: Request) -> Response:
        if (
            request.arg("grant_type") != "fb_exchange_token"
            or request.arg("fb_exchange_token") != SHORT_TOKEN
            or request.arg("client_secret") != APP_SECRET
        ):
            return Response(400, {"error": {"message": "Invalid exchange", "code": 100}})
        return Response(200, {"access_token": LONG_TOKEN, "token_type": "bearer"})

    def _page_subscription(self, page_id: str, request: Request) -> Response:
        token = next((p["access_token"] for p in PAGES if p["id"] == page_id), None)
        if token is None or request.headers.get("Authorization") != f"Bearer {token}":
            return Response(
                400, {"error": {"message": "A page access token is required", "code": 210}}
            )
        if request.method == "DELETE":
            self.subscribed.pop(page_id, None)
            self.unsubscribed.append(page_id)
            return Response(200, {"success": True})
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        self.subscribed[page_id] = form.get("subscribed_fields", "")
        return Response(200, {"success": True})

    def _app_subscriptions(self, request: Request) -> Response:
        if request.arg("access_token") != f"{APP_ID}|{APP_SECRET}":
            return Response(
                400, {"error": {"message": "An app access token is required", "code": 15}}
            )
        if request.method == "GET":
            return Response(200, {"data": self.app_subscriptions})
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        if not challenge_answered(form["callback_url"], form["verify_token"]):
            return Response(
                400, {"error": {"message": "The URL couldn't be validated.", "code": 2200}}
            )
        self.app_subscriptions.append(
            {
                "object": form["object"],
                "callback_url": form["callback_url"],
                "fields": [{"name": f} for f in form["fields"].split(",")],
                "active": True,
            }
        )
        return Response(200, {"success": True})

    def delivery(self, body: dict[str, Any]) -> bytes:
        return json.dumps(body).encode()

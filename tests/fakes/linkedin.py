"""LinkedIn's versioned REST API (posts, socialActions comments, organization notifications)
and its token endpoint; answers 426 to a call without the version headers, as LinkedIn does."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import unquote

from tests.fakes.fixtures import fixture_json
from tests.fakes.oauth import AuthorizationServer
from tests.fakes.server import FakePlatform, Request, Response

ORG_ID = "2414183"
ORG = f"urn:li:organization:{ORG_ID}"
TOKEN = "li-access-1"
REFRESH = "li-refresh-1"
POST = "urn:li:share:7170000000000000001"
CLIENT_ID = "li-client-id"
CLIENT_SECRET = "li-client-secret"


class FakeLinkedIn(FakePlatform):
    def __init__(self) -> None:
        super().__init__()
        self.token = TOKEN
        self.refresh_token = REFRESH
        self.posts = fixture_json("linkedin", "posts__by_author")["elements"]
        self.comments: dict[str, list[dict[str, Any]]] = {POST: []}
        self.notifications: list[dict[str, Any]] = []
        self.other_posts: dict[str, dict[str, Any]] = {}
        self.created: list[dict[str, Any]] = []
        # The organization pages the signed-in member administers: id -> name.
        self.pages: dict[str, str] = {ORG_ID: "Infopark"}
        self._ids = itertools.count(7170000000000000900)
        self.oauth = AuthorizationServer(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            authorize_path="/oauth/v2/authorization",
            token_path="/oauth/v2/accessToken",
            revoke_path="/oauth/v2/revoke",
            issue=lambda: (self.token, self.refresh_token),
            expires_in=5183999,
        )

    def handle(self, request: Request) -> Response:
        if (signed_in := self.oauth.handle(request)) is not None:
            return signed_in
        if request.path == "/oauth/v2/accessToken":
            form = dict(pair.split("=", 1) for pair in request.body.decode().split("&"))
            if form.get("refresh_token") != self.refresh_token:
                return Response(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": (
                            "The token used in the request has been revoked by the user"
                        ),
                    },
                )
            self.token = "li-access-2"
            return Response(
                200,
                {
                    "access_token": self.token,
                    "expires_in": 5183999,
                    "refresh_token": self.refresh_token,
                    "refresh_token_expires_in": 31535999,
                },
            )
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return Response(401, fixture_json("linkedin", "error__unauthorized"))
        if (
            not request.headers.get("LinkedIn-Version")
            or request.headers.get("X-Restli-Protocol-Version") != "2.0.0"
        ):
            return Response(
                426,
                {
                    "status": 426,
                    "code": "NONEXISTENT_VERSION",
                    "message": "Requested version  is not active",
                },
            )
        path = unquote(request.path)
        if path == "/rest/organizationAcls":
            acls = [
                {"organization": f"urn:li:organization:{page}", "role": "ADMINISTRATOR"}
                for page in self.pages
            ]
            return Response(200, {"elements": acls})
        if path.startswith("/rest/organizations/") and (
            name := self.pages.get(path.removeprefix("/rest/organizations/"))
        ):
            return Response(200, {"id": int(path.rsplit("/", 1)[1]), "localizedName": name})
        if path == "/rest/posts":
            return Response(200, {"elements": self.posts})
        if path.startswith("/rest/posts/"):
            return Response(200, self.other_posts[path.removeprefix("/rest/posts/")])
        if path == "/rest/organizationalEntityNotifications":
            return Response(200, {"elements": self.notifications})
        if path.startswith("/rest/socialActions/") and path.endswith("/comments"):
            target = path.removeprefix("/rest/socialActions/").removesuffix("/comments")
            if request.method == "POST":
                return self._comment(target, request.json())
            return Response(200, {"elements": self.comments.get(target, [])})
        return Response(404, {"status": 404, "message": path})

    def _comment(self, target: str, body: dict[str, Any]) -> Response:
        comment_id = str(next(self._ids))
        urn = f"urn:li:comment:({body['object']},{comment_id})"
        self.created.append({"target": target, **body})
        return Response(
            201,
            {
                "commentUrn": urn,
                "$URN": urn,
                "id": comment_id,
                "actor": body["actor"],
                "object": body["object"],
                "message": body["message"],
            },
            {"x-restli-id": urn},
        )

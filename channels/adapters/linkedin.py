"""LinkedIn: comments on the organization's posts and posts that mention it.

Community Management API, versioned: every call names `LinkedIn-Version: YYYYMM` and
`X-Restli-Protocol-Version: 2.0.0` (https://learn.microsoft.com/linkedin/marketing/versioning).
Comments: https://learn.microsoft.com/linkedin/marketing/community-management/shares/comments-api
Mentions: organizationalEntityNotifications with action SHARE_MENTION. Access tokens live 60
days; with a refresh token (365 days) they are renewed before they end, otherwise staff are
warned (channels.platforms.tokens).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import requests
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels import http
from channels.adapters.base import (
    GRANTED_SCOPES_KEY,
    Adapter,
    AdapterError,
    AuthError,
    Author,
    ConfigField,
    Mention,
    MessageChange,
    OutgoingReply,
    ParsedEvent,
    PollResult,
    RawEvent,
    SentReply,
    load_json_object,
)
from channels.models import InboundEvent
from channels.platforms.tokens import (
    ExpiringToken,
    parse_expiry,
    store_credentials,
)

COMMENT_PAGE = 100
# How far back the first poll looks for mentions.
FIRST_LOOK_BACK = timedelta(hours=1)


def _ms(value: Any) -> datetime:
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC) if value else timezone.now()


def _urn(value: str) -> str:
    return quote(value, safe="")


def _activity_of(comment_urn: str) -> str:
    """`urn:li:comment:(urn:li:activity:1,2)` -> `urn:li:activity:1`, the thread's object."""
    inner = comment_urn.removeprefix("urn:li:comment:(").rstrip(")")
    return inner.rsplit(",", 1)[0]


class LinkedInAdapter(ExpiringToken, Adapter):
    kind = "linkedin"
    label = "LinkedIn"
    description = "Comments on the organization page's posts and posts mentioning it."
    polls = True
    default_poll_interval = 300
    max_reply_length = 1250
    # https://learn.microsoft.com/linkedin/marketing/community-management/
    needed_scopes = {
        "r_organization_social": _("Read the page's posts, their comments and mentions."),
        "w_organization_social": _("Comment as the page."),
        "rw_organization_admin": _("List the pages you administer, so you can pick one."),
    }
    config_fields = (
        ConfigField(
            "organization_id",
            "Organization id",
            example="2414183",
            help_text=_("The number in the page admin URL."),
        ),
        ConfigField("api_url", "API URL", type="url", default="https://api.linkedin.com"),
        ConfigField("api_version", "LinkedIn-Version (YYYYMM)", default="202509"),
        ConfigField(
            "access_token",
            "Access token",
            secret=True,
            help_text=_("Scopes r_organization_social w_organization_social."),
        ),
        ConfigField(
            "token_expires_at",
            "Token expiry",
            required=False,
            default="",
            help_text=_("ISO date-time when the access token ends (60 days)."),
        ),
        ConfigField("refresh_token", "Refresh token", secret=True, required=False),
        ConfigField("client_id", "Client id", required=False, default=""),
        ConfigField("client_secret", "Client secret", secret=True, required=False),
        ConfigField(
            "token_url",
            "Token URL",
            type="url",
            default="https://www.linkedin.com/oauth/v2/accessToken",
        ),
        ConfigField(
            "watch_posts",
            "Latest posts watched for comments",
            type="int",
            required=False,
            default=10,
        ),
    )

    @property
    def _org(self) -> str:
        return f"urn:li:organization:{self.config['organization_id']}"

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {
            "Authorization": f"Bearer {self.secret('access_token')}",
            "LinkedIn-Version": str(self.config["api_version"]),
            "X-Restli-Protocol-Version": "2.0.0",
        }
        try:
            return http.request(
                method, f"{self.config['api_url']}{path}", headers=headers, **kwargs
            )
        except http.HttpError as exc:
            if exc.status == 401:
                raise AuthError(
                    f"LinkedIn rejected the access token (401): {exc}. Connect the page again."
                ) from None
            raise

    def check_credentials(self) -> str:
        found = self._call("GET", f"/rest/organizations/{self.config['organization_id']}").json()
        return f"{found.get('localizedName', self._org)} ({self._org})"

    # -- polling -------------------------------------------------------------------------

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        cursor = dict(cursor)
        started = bool(cursor.get("started"))
        seen: dict[str, int] = dict(cursor.get("seen", {}))
        events: list[RawEvent] = []
        posts = (
            self._call(
                "GET",
                "/rest/posts",
                params={
                    "q": "author",
                    "author": self._org,
                    "count": self.config["watch_posts"],
                    "sortBy": "LAST_MODIFIED",
                },
            )
            .json()
            .get("elements", [])
        )
        for post in posts:
            found, seen[post["id"]] = self._comments(post["id"], seen.get(post["id"], 0), started)
            events += found
        cursor["seen"] = {post["id"]: seen[post["id"]] for post in posts}
        now_ms = int(time.time() * 1000)
        since = cursor.get("mentions_since") or now_ms - int(FIRST_LOOK_BACK.total_seconds() * 1000)
        events += self._mentions(since, now_ms)
        cursor["mentions_since"] = now_ms
        cursor["started"] = True
        return PollResult(events=tuple(events), cursor=cursor)

    def _comments(self, post: str, seen: int, started: bool) -> tuple[list[RawEvent], int]:
        comments = (
            self._call(
                "GET", f"/rest/socialActions/{_urn(post)}/comments", params={"count": COMMENT_PAGE}
            )
            .json()
            .get("elements", [])
        )
        newest = seen
        events = []
        for comment in sorted(comments, key=lambda c: c["created"]["time"]):
            changed = int((comment.get("lastModified") or comment["created"])["time"])
            newest = max(newest, changed)
            # The first poll only notes where each post stands.
            if started and changed > seen:
                events.append(
                    RawEvent(
                        json.dumps({"kind": "comment", "post": post, "comment": comment}).encode(),
                        f"{comment.get('commentUrn') or comment['$URN']}@{changed}",
                    )
                )
        return events, newest

    def _mentions(self, since: int, until: int) -> list[RawEvent]:
        # Rest.li 2.0 writes lists and records in the query itself; they must reach LinkedIn
        # unencoded, so the query is built here rather than by requests.
        query = (
            f"q=criteria&actions=List(SHARE_MENTION)&organizationalEntity={_urn(self._org)}"
            f"&timeRange=(start:{since},end:{until})&count=50"
        )
        found = self._call("GET", f"/rest/organizationalEntityNotifications?{query}").json()
        events = []
        for notice in found.get("elements", []):
            urn = notice.get("generatedActivity") or notice.get("sourcePost")
            if not urn:
                continue
            post = self._call("GET", f"/rest/posts/{_urn(urn)}").json()
            events.append(RawEvent(json.dumps({"kind": "mention", "post": post}).encode(), urn))
        return events

    # -- parsing -------------------------------------------------------------------------

    def parse(self, event: InboundEvent) -> ParsedEvent:
        payload = load_json_object(bytes(event.body))
        if payload.get("kind") == "comment":
            return self._comment(payload["comment"], payload["post"])
        if payload.get("kind") == "mention":
            post = payload["post"]
            return ParsedEvent(
                mentions=(
                    Mention(
                        platform_id=post["id"],
                        author=self._author(post.get("author", "")),
                        text=post.get("commentary", ""),
                        created_at=_ms(post.get("createdAt")),
                        url=f"https://www.linkedin.com/feed/update/{post['id']}",
                        is_own=post.get("author") == self._org,
                    ),
                )
            )
        return ParsedEvent(unsupported_because=f"unknown LinkedIn event {payload.get('kind')!r}")

    def _author(self, urn: str) -> Author:
        # Member names need the restricted People API; the URN identifies the person.
        kind = "organization" if ":organization:" in urn else "member"
        return Author(
            platform_user_id=urn, display_name=f"LinkedIn {kind} {urn.rsplit(':', 1)[-1]}"
        )

    def _comment(self, comment: dict[str, Any], post: str) -> ParsedEvent:
        urn = comment.get("commentUrn") or comment["$URN"]
        created = int(comment["created"]["time"])
        modified = int((comment.get("lastModified") or comment["created"])["time"])
        text = (comment.get("message") or {}).get("text", "")
        mention = Mention(
            platform_id=urn,
            author=self._author(comment.get("actor", "")),
            text=text,
            created_at=_ms(created),
            parent_platform_id=comment.get("parentComment") or post,
            thread_platform_ids=(post,) if comment.get("parentComment") else (),
            url=f"https://www.linkedin.com/feed/update/{comment.get('object') or post}",
            is_own=comment.get("actor") == self._org,
        )
        changes = (
            (MessageChange(urn, "edited", _ms(modified), text=text),) if modified > created else ()
        )
        return ParsedEvent(mentions=(mention,), changes=changes)

    # -- replying ------------------------------------------------------------------------

    def send_reply(self, reply: OutgoingReply) -> SentReply:
        target = reply.in_reply_to_platform_id
        if not target:
            raise AdapterError("A LinkedIn reply must answer a comment or a post.", permanent=True)
        body: dict[str, Any] = {"actor": self._org, "message": {"text": reply.text}}
        if target.startswith("urn:li:comment:"):
            body["object"] = _activity_of(target)
            body["parentComment"] = target
        else:
            body["object"] = target
        response = self._call(
            "POST", f"/rest/socialActions/{_urn(body['object'])}/comments", json_body=body
        )
        created = response.json() if response.content else {}
        urn = (
            created.get("commentUrn")
            or created.get("$URN")
            or response.headers.get("x-restli-id", "")
        )
        return SentReply(urn, f"https://www.linkedin.com/feed/update/{body['object']}")

    # -- token lifetime ------------------------------------------------------------------

    def token_expires_at(self) -> datetime | None:
        return parse_expiry(self.config["token_expires_at"])

    def can_refresh_token(self) -> bool:
        return bool(self.secret("refresh_token") and self.config["client_id"])

    def refresh_token_now(self) -> None:
        try:
            tokens = http.request(
                "POST",
                self.config["token_url"],
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": self.secret("refresh_token"),
                    "client_id": self.config["client_id"],
                    "client_secret": self.secret("client_secret"),
                },
            ).json()
        except http.HttpError as exc:
            if exc.status in (400, 401):
                raise AuthError(f"LinkedIn refused the refresh token: {exc}") from None
            raise
        expires = timezone.now() + timedelta(seconds=int(tokens.get("expires_in", 5184000)))
        store_credentials(
            channel=self.channel,
            credentials={
                "access_token": tokens["access_token"],
                "refresh_token": tokens.get("refresh_token") or self.secret("refresh_token"),
            },
            config={
                "token_expires_at": expires.isoformat(timespec="seconds"),
                **(
                    {GRANTED_SCOPES_KEY: tokens["scope"].replace(",", " ").split()}
                    if isinstance(tokens.get("scope"), str)
                    else {}
                ),
            },
        )

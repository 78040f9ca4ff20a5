"""X (Twitter): X Activity API webhooks, and polling of mentions and recent search.

Webhooks: https://docs.x.com/x-api/webhooks/introduction — a GET with `crc_token` must be
answered with `sha256=` + base64 HMAC-SHA256 of the token keyed with the consumer secret;
every POST carries `x-twitter-webhooks-signature`, the same HMAC over the body.
The webhook reads X Activity API (XAA) events (see activity.py), subscribed per event type
for the channel's account by `subscribe_activity`. Account Activity API deliveries are still
read, for deployments whose webhook is registered there, until X ends that API on
1 January 2027 (docs/channels/x.md); polling stays as the fallback for both.
API v2: https://docs.x.com/x-api — OAuth 2.0 user tokens live two hours and are renewed with
a refresh token that X rotates on every use, so the new pair is saved at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta
from typing import Any

import requests
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels import http
from channels.adapters.base import (
    GRANTED_SCOPES_KEY,
    Adapter,
    AdapterError,
    AuthError,
    ConfigField,
    InvalidPayload,
    OutgoingReply,
    ParsedEvent,
    PollResult,
    RawEvent,
    SentReply,
    SignatureError,
    load_json_object,
)
from channels.adapters.payload import ident
from channels.adapters.x.activity import event_user, is_activity, parse_xaa
from channels.adapters.x.parsing import parse_activity, parse_polled, post_url
from channels.adapters.x.subscriptions import ActivitySubscriptions
from channels.models import InboundEvent
from channels.platforms.tokens import ExpiringToken, parse_expiry, store_credentials

SIGNATURE_HEADER = "x-twitter-webhooks-signature"
PAGE_SIZE = 100
POST_FIELDS = "created_at,author_id,conversation_id,referenced_tweets,lang,note_tweet"
USER_FIELDS = "username,name"


def signature(secret: str, message: bytes) -> str:
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def _numeric_max(ids: list[str]) -> str:
    return max(ids, key=lambda value: (len(value), value))


class XAdapter(ActivitySubscriptions, ExpiringToken, Adapter):
    kind = "x"
    label = "X (Twitter)"
    description = "Mentions, replies, direct messages and tracked terms on X."
    receives_webhooks = True
    polls = True
    tracks_terms = True
    default_poll_interval = 120
    max_reply_length = 280
    kept_headers = (SIGNATURE_HEADER,)
    # https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
    needed_scopes = {
        "tweet.read": _("Read mentions, replies and searches for tracked terms."),
        "tweet.write": _("Post replies."),
        "users.read": _("Know the account connected and the people who write to it."),
        "dm.read": _("Read direct messages."),
        "dm.write": _("Answer direct messages."),
        "offline.access": _("Renew the two-hour access token without signing in again."),
    }
    config_fields = (
        ConfigField(
            "account_id",
            "Account id",
            example="1545342867340054528",
            help_text=_("The numeric user id of the company's account."),
        ),
        ConfigField("handle", "Handle", example="infopark", help_text=_("without the @")),
        ConfigField("api_url", "API URL", type="url", default="https://api.x.com"),
        ConfigField(
            "consumer_secret",
            "API key secret",
            secret=True,
            help_text=_("Signs webhook deliveries and answers the CRC check."),
        ),
        ConfigField("access_token", "OAuth 2.0 user access token", secret=True),
        ConfigField(
            "refresh_token",
            "OAuth 2.0 refresh token",
            secret=True,
            required=False,
            help_text=_("With the offline.access scope: renews the two-hour token."),
        ),
        ConfigField("client_id", "OAuth 2.0 client id", required=False, default=""),
        ConfigField(
            "token_expires_at",
            "Access token expiry",
            required=False,
            default="",
            help_text=_("Set when the token is stored; renewed before it ends."),
        ),
        ConfigField("client_secret", "OAuth 2.0 client secret", secret=True, required=False),
        ConfigField(
            "poll_mentions",
            "Poll the mentions timeline",
            type="bool",
            required=False,
            default=True,
            help_text=_("Off when X Activity webhooks deliver them."),
        ),
        ConfigField(
            "webhook_id",
            "X webhook id",
            required=False,
            default="",
            help_text=_("The id X gave the webhook registered for this channel's URL (XAA)."),
        ),
        ConfigField(
            "app_bearer_token",
            "App-only bearer token",
            secret=True,
            required=False,
            help_text=_("Registers the webhook with X (POST /2/webhooks needs the app's token)."),
        ),
    )

    # -- webhooks ------------------------------------------------------------------------

    def handshake(self, request: HttpRequest) -> HttpResponse | None:
        if request.method != "GET" or "crc_token" not in request.GET:
            return None
        secret = self.secret("consumer_secret")
        if not secret:
            return JsonResponse({"error": "This channel has no consumer secret."}, status=403)
        token = request.GET["crc_token"].encode()
        return JsonResponse({"response_token": signature(secret, token)})

    def verify_webhook(self, request: HttpRequest) -> None:
        secret = self.secret("consumer_secret")
        if not secret:
            raise SignatureError("This channel has no consumer secret configured.")
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.encode(), signature(secret, request.body).encode()):
            raise SignatureError(f"Missing or wrong {SIGNATURE_HEADER} header.")

    def delivery_id(self, request: HttpRequest) -> str | None:
        # XAA names each event; Account Activity sends no delivery id, so a replay there is
        # recognised as byte for byte the same body.
        try:
            payload = load_json_object(request.body)
        except InvalidPayload:
            payload = {}
        if is_activity(payload) and payload["data"].get("event_uuid"):
            return f"xaa:{payload['data']['event_uuid']}"
        return "sha256:" + hashlib.sha256(request.body).hexdigest()

    def parse(self, event: InboundEvent) -> ParsedEvent:
        payload = load_json_object(bytes(event.body))
        account_id = str(self.config["account_id"])
        if is_activity(payload):
            user = event_user(payload)
            if user and user != account_id:
                return ParsedEvent(
                    unsupported_because=f"an event for account {user!r}, "
                    f"not this channel's {account_id}"
                )
            return parse_xaa(payload, account_id)
        if "for_user_id" in payload:
            # Platforms retry and then disable a webhook that is refused, so a delivery for
            # another account is acknowledged and recorded here, not answered 400.
            if ident(payload, "for_user_id") != account_id:
                return ParsedEvent(
                    unsupported_because=f"an event for account {ident(payload, 'for_user_id')!r}, "
                    f"not this channel's {account_id}"
                )
            return parse_activity(payload, account_id)
        if isinstance(payload.get("data"), dict):
            return parse_polled(payload, account_id)
        return ParsedEvent(unsupported_because="neither an Account Activity delivery nor a post")

    # -- calls ---------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = f"{self.config['api_url']}{path}"
        for attempt in range(2):
            headers = {"Authorization": f"Bearer {self.secret('access_token')}"}
            try:
                return http.request(method, url, headers=headers, **kwargs)
            except http.HttpError as exc:
                if exc.status != 401:
                    raise
                if attempt or not self.secret("refresh_token"):
                    raise AuthError(f"X rejected the access token (401): {exc}") from None
                self._refresh()
        raise AssertionError("unreachable")

    def _refresh(self) -> None:
        auth = None
        if self.secret("client_secret"):
            auth = base64.b64encode(
                f"{self.config['client_id']}:{self.secret('client_secret')}".encode()
            ).decode()
        try:
            tokens = http.request(
                "POST",
                f"{self.config['api_url']}/2/oauth2/token",
                headers={"Authorization": f"Basic {auth}"} if auth else {},
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": self.secret("refresh_token"),
                    "client_id": self.config["client_id"],
                },
            ).json()
        except http.HttpError as exc:
            if exc.status in (400, 401):
                raise AuthError(
                    f"X refused to renew the token ({exc.status}): the account must be "
                    "connected again."
                ) from None
            raise
        expires_in = str(tokens.get("expires_in") or "")
        expiry: dict[str, Any] = {}
        if expires_in.isdigit():
            ends = timezone.now() + timedelta(seconds=int(expires_in))
            expiry["token_expires_at"] = ends.isoformat(timespec="seconds")
        if isinstance(tokens.get("scope"), str):
            # What the account still grants: a scope the user took back shows in health.
            expiry[GRANTED_SCOPES_KEY] = tokens["scope"].split()
        store_credentials(
            channel=self.channel,
            credentials={
                "access_token": tokens["access_token"],
                "refresh_token": tokens.get("refresh_token") or self.secret("refresh_token"),
            },
            config=expiry,
        )

    # -- token lifetime: the two-hour user token is renewed ahead, not only after a 401 ----

    def token_expires_at(self) -> datetime | None:
        return parse_expiry(self.config.get("token_expires_at"))

    def can_refresh_token(self) -> bool:
        return bool(self.secret("refresh_token") and self.config["client_id"])

    def refresh_token_now(self) -> None:
        self._refresh()

    def check_credentials(self) -> str:
        me = self._call("GET", "/2/users/me").json()["data"]
        return f"@{me['username']} ({me['id']})"

    # -- polling -------------------------------------------------------------------------

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        cursor = dict(cursor)
        sources: dict[str, tuple[str, dict[str, Any], str]] = {}
        if self.config["poll_mentions"]:
            sources["mentions"] = (
                f"/2/users/{self.config['account_id']}/mentions",
                {},
                "pagination_token",
            )
        for term in self.tracked_terms():
            query = f"{term} -is:retweet -from:{self.config['handle']}"
            sources[f"search:{term}"] = ("/2/tweets/search/recent", {"query": query}, "next_token")
        events: list[RawEvent] = []
        more = False
        states = cursor.get("sources", {})
        next_states = {}
        for name, (path, params, token_param) in sources.items():
            state = dict(states.get(name, {}))
            if state.get("paused_until", 0) <= time.time():
                found, state, full = self._page(path, params, token_param, state)
                events += found
                more |= full
            next_states[name] = state
        cursor["sources"] = next_states
        # Oldest first, so a reply is processed after the post it answers.
        events.sort(key=lambda raw: (len(raw.delivery_id), raw.delivery_id))
        return PollResult(events=tuple(events), cursor=cursor, more=more)

    def _page(
        self, path: str, params: dict[str, Any], token_param: str, state: dict[str, Any]
    ) -> tuple[list[RawEvent], dict[str, Any], bool]:
        """One page newer than `since_id`, walked newest to oldest with the page token.

        `since_id` moves only when the walk is complete, so a poll cut short resumes where
        it stopped and nothing between the old and the new newest post is skipped.
        """
        query = {
            **params,
            "max_results": PAGE_SIZE,
            "tweet.fields": POST_FIELDS,
            "expansions": "author_id",
            "user.fields": USER_FIELDS,
        }
        if state.get("since_id"):
            query["since_id"] = state["since_id"]
        if state.get("next_token"):
            query[token_param] = state["next_token"]
        response = self._call("GET", path, params=query)
        body = response.json()
        posts = body.get("data") or []
        users = (body.get("includes") or {}).get("users", [])
        by_id = {user["id"]: user for user in users}
        events = [
            RawEvent(
                json.dumps(
                    {
                        "data": post,
                        "includes": {
                            "users": [by_id[post["author_id"]]]
                            if post.get("author_id") in by_id
                            else []
                        },
                    }
                ).encode(),
                f"{post['id']}",
            )
            for post in posts
        ]
        meta = body.get("meta") or {}
        newest = state.get("walk_newest") or meta.get("newest_id")
        state = {k: v for k, v in state.items() if k not in ("next_token", "walk_newest")}
        more = False
        if meta.get("next_token") and state.get("since_id"):
            state["next_token"] = meta["next_token"]
            state["walk_newest"] = newest
            more = True
        elif newest:
            # A first poll takes the newest page only: the backlog is not the desk's work.
            state["since_id"] = (
                _numeric_max([state["since_id"], newest]) if state.get("since_id") else newest
            )
        if response.headers.get("x-rate-limit-remaining") == "0":
            reset = response.headers.get("x-rate-limit-reset", "")
            state["paused_until"] = float(reset) if reset.isdigit() else time.time() + 900
            more = False
        return events, state, more

    # -- replying ------------------------------------------------------------------------

    def send_reply(self, reply: OutgoingReply) -> SentReply:
        if reply.is_private:
            if reply.recipient is None:
                raise AdapterError("A direct message needs its recipient.", permanent=True)
            sent = self._call(
                "POST",
                f"/2/dm_conversations/with/{reply.recipient.platform_user_id}/messages",
                json_body={"text": reply.text},
            ).json()["data"]
            return SentReply(platform_id=str(sent["dm_event_id"]))
        if not reply.in_reply_to_platform_id:
            raise AdapterError("A reply on X must answer a post.", permanent=True)
        sent = self._call(
            "POST",
            "/2/tweets",
            json_body={
                "text": reply.text,
                "reply": {"in_reply_to_tweet_id": reply.in_reply_to_platform_id},
            },
        ).json()["data"]
        return SentReply(str(sent["id"]), post_url(self.config["handle"], str(sent["id"])))

    def find_sent_reply(self, reply: OutgoingReply) -> SentReply | None:
        """Our latest posts, looked through for this reply: X takes no idempotency key."""
        if reply.is_private:
            return None
        posts = (
            self._call(
                "GET",
                f"/2/users/{self.config['account_id']}/tweets",
                params={"max_results": 20, "tweet.fields": "referenced_tweets"},
            )
            .json()
            .get("data")
            or []
        )
        for post in posts:
            answers = {
                ref["id"]
                for ref in post.get("referenced_tweets") or []
                if ref["type"] == "replied_to"
            }
            if reply.in_reply_to_platform_id in answers and post["text"].strip().endswith(
                reply.text.strip()
            ):
                return SentReply(str(post["id"]), post_url(self.config["handle"], str(post["id"])))
        return None

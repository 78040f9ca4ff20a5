"""Meta: Facebook Pages (feed and Messenger) and Instagram professional accounts, one app.

Meta sends every subscribed page's and account's events to the app's one callback URL per
object type, so a channel serves the pages in `page_tokens` and the Instagram accounts in
`instagram_accounts`; events for others are ignored. Verification: a GET with `hub.mode`,
`hub.verify_token`, `hub.challenge`; every POST signed in `X-Hub-Signature-256`.
https://developers.facebook.com/docs/graph-api/webhooks/getting-started
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

import requests
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from channels import http
from channels.adapters.app_routing import split_entries
from channels.adapters.base import (
    Adapter,
    AdapterError,
    AuthError,
    ConfigField,
    OutgoingReply,
    ParsedEvent,
    RateLimited,
    RoutedDelivery,
    SentReply,
    SignatureError,
    load_json_object,
)
from channels.adapters.checks import SubscriptionCheck
from channels.adapters.meta.parsing import parse_delivery, scoped, split_scoped
from channels.models import InboundEvent
from channels.platforms.tokens import ExpiringToken, parse_expiry

SIGNATURE_HEADER = "X-Hub-Signature-256"
# Graph API error codes: https://developers.facebook.com/docs/graph-api/guides/error-handling
TOKEN_ERROR = 190
RATE_LIMIT_ERRORS = frozenset({4, 17, 32, 613, 80001, 80002, 80006})
WINDOW_CLOSED_SUBCODES = frozenset({2018278, 2534022})
# The page webhook fields the desk reads (posts and comments, Messenger, mentions of the
# page), as the connect flow subscribes them (desk.connect.platforms.meta).
# https://developers.facebook.com/docs/graph-api/webhooks/reference/page
PAGE_FIELDS = ("feed", "messages", "mention")
INSTAGRAM_PERMISSION_PREFIX = "instagram_"


def _pairs(raw: str) -> dict[str, str]:
    """`a:b,c:d` into {"a": "b", "c": "d"}."""
    pairs = {}
    for item in (raw or "").split(","):
        key, sep, value = item.strip().partition(":")
        if sep and key.strip() and value.strip():
            pairs[key.strip()] = value.strip()
    return pairs


class MetaAdapter(ExpiringToken, Adapter):
    kind = "meta"
    label = "Facebook & Instagram"
    description = "Page posts and comments, Messenger, Instagram comments, mentions and DMs."
    receives_webhooks = True
    can_hide_comments = True
    can_reply_privately = True
    # Facebook comments allow 8,000 characters; Messenger messages 2,000 (the lower rules).
    max_reply_length = 2000
    kept_headers = (SIGNATURE_HEADER,)
    # https://developers.facebook.com/docs/permissions (granted: GET /me/permissions).
    needed_scopes = {
        "pages_show_list": _("List the pages you manage, so you can pick which to connect."),
        "pages_manage_metadata": _("Subscribe each page to the app's webhook."),
        "pages_read_engagement": _("Read the page's posts and who commented."),
        "pages_read_user_content": _("Read comments and posts by visitors on the page."),
        "pages_manage_engagement": _("Reply to comments and hide them."),
        "pages_messaging": _("Read and answer Messenger conversations."),
        "instagram_basic": _("Find the Instagram account linked to each page."),
        "instagram_manage_comments": _("Read, answer and hide Instagram comments and mentions."),
        "instagram_manage_messages": _("Read and answer Instagram direct messages."),
    }
    config_fields = (
        ConfigField("graph_url", "Graph API URL", type="url", default="https://graph.facebook.com"),
        ConfigField("api_version", "Graph API version", default="v23.0"),
        ConfigField(
            "app_secret",
            "App secret",
            secret=True,
            help_text=_("App settings > Basic: signs every delivery."),
        ),
        ConfigField(
            "verify_token",
            "Verify token",
            secret=True,
            help_text=_("Any string; entered again when the callback URL is registered."),
        ),
        ConfigField(
            "page_tokens",
            "Pages",
            secret=True,
            help_text=_("PAGE_ID:PAGE_ACCESS_TOKEN pairs, comma separated."),
        ),
        ConfigField(
            "instagram_accounts",
            "Instagram accounts",
            required=False,
            default="",
            help_text=_("IG_USER_ID:PAGE_ID pairs: each account and its linked page."),
        ),
        ConfigField(
            "token_expires_at",
            "Token expiry",
            required=False,
            default="",
            help_text=_("ISO date when the page tokens end; empty if they do not."),
        ),
    )

    # -- accounts ------------------------------------------------------------------------

    @property
    def _page_tokens(self) -> dict[str, str]:
        return _pairs(self.secret("page_tokens"))

    @property
    def _instagram(self) -> dict[str, str]:
        return _pairs(self.config["instagram_accounts"])

    def _token_for(self, account: str) -> tuple[str, str]:
        """The page id and page token that act for a page or an Instagram account."""
        page = self._instagram.get(account, account)
        token = self._page_tokens.get(page)
        if not token:
            raise AdapterError(f"No page token for {account} on this channel.", permanent=True)
        return page, token

    # -- webhooks ------------------------------------------------------------------------

    def handshake(self, request: HttpRequest) -> HttpResponse | None:
        if request.method != "GET" or "hub.mode" not in request.GET:
            return None
        expected = self.secret("verify_token")
        given = request.GET.get("hub.verify_token", "")
        if (
            request.GET["hub.mode"] != "subscribe"
            or not expected
            or not hmac.compare_digest(given.encode(), expected.encode())
        ):
            return HttpResponse(_("Wrong verify token."), status=403, content_type="text/plain")
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")

    def verify_webhook(self, request: HttpRequest) -> None:
        secret = self.secret("app_secret")
        if not secret:
            raise SignatureError("This channel has no app secret configured.")
        expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise SignatureError(f"Missing or wrong {SIGNATURE_HEADER} header.")

    def delivery_id(self, request: HttpRequest) -> str | None:
        # Meta sends no delivery id; a retried delivery is byte for byte the same body.
        return "sha256:" + hashlib.sha256(request.body).hexdigest()

    def serves(self, account: str) -> bool:
        return account in self._page_tokens or account in self._instagram

    def route(self, body: bytes, delivery_id: str | None) -> list[RoutedDelivery]:
        """Each page's and Instagram account's entries go to the channel serving it (one app,
        one callback URL, many channels)."""
        payload = load_json_object(body)
        entries = payload.get("entry")
        if payload.get("object") not in ("page", "instagram") or not isinstance(entries, list):
            # Nothing to split: kept whole here, and stored as unsupported with its reason.
            return super().route(body, delivery_id)
        return split_entries(
            self,
            entries=entries,
            account_of=lambda entry: str(entry.get("id", "")) if isinstance(entry, dict) else "",
            serves=lambda adapter, account: adapter.serves(account),
            credential_field="app_secret",
            rebuild=lambda entries: json.dumps(
                {"object": payload["object"], "entry": entries}, ensure_ascii=False
            ).encode(),
            body=body,
            delivery_id=delivery_id,
        )

    def parse(self, event: InboundEvent) -> ParsedEvent:
        payload = load_json_object(bytes(event.body))
        parsed = parse_delivery(
            payload,
            pages=set(self._page_tokens),
            instagram=set(self._instagram),
            fetch_mention=self._mentioned_comment,
        )
        if not parsed.mentions and not parsed.changes:
            if parsed.unsupported:
                return ParsedEvent(unsupported_because="; ".join(parsed.unsupported))
            return ParsedEvent(ignored_because="; ".join(parsed.ignored) or "an empty delivery")
        return ParsedEvent(mentions=tuple(parsed.mentions), changes=tuple(parsed.changes))

    def _mentioned_comment(self, account: str, comment_id: str) -> dict[str, Any]:
        fields = f"mentioned_comment.comment_id({comment_id}){{id,text,username,timestamp}}"
        found = self._call("GET", account, f"/{account}", params={"fields": fields}).json()
        return found["mentioned_comment"]

    # -- calls ---------------------------------------------------------------------------

    def _call(self, method: str, account: str, path: str, **kwargs: Any) -> requests.Response:
        _page, token = self._token_for(account)
        url = f"{self.config['graph_url']}/{self.config['api_version']}{path}"
        try:
            return http.request(method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs)
        except http.HttpError as exc:
            raise _graph_error(exc) from None

    def check_credentials(self) -> str:
        names = [
            self._call("GET", page, f"/{page}", params={"fields": "name"}).json().get("name", page)
            for page in self._page_tokens
        ]
        return ", ".join(names)

    # -- replying ------------------------------------------------------------------------

    def send_reply(self, reply: OutgoingReply) -> SentReply:
        if reply.is_private:
            if reply.recipient is None:
                raise AdapterError("A private message needs its recipient.", permanent=True)
            account, person = split_scoped(reply.recipient.platform_user_id)
            return self._message(account, {"id": person}, reply.text)
        account, object_id = split_scoped(reply.in_reply_to_platform_id)
        if not object_id:
            raise AdapterError("A reply must answer a post or comment.", permanent=True)
        # Instagram answers a comment under /replies, Facebook under /comments.
        edge = "replies" if account in self._instagram else "comments"
        created = self._call(
            "POST", account, f"/{object_id}/{edge}", json_body={"message": reply.text}
        ).json()
        url = "" if edge == "replies" else f"https://www.facebook.com/{created['id']}"
        return SentReply(scoped(account, created["id"]), url)

    def _message(self, account: str, recipient: dict[str, str], text: str) -> SentReply:
        page, _token = self._token_for(account)
        sent = self._call(
            "POST",
            account,
            f"/{page}/messages",
            json_body={
                "recipient": recipient,
                "messaging_type": "RESPONSE",
                "message": {"text": text},
            },
        ).json()
        return SentReply(scoped(account, sent["message_id"]))

    def send_private_reply(self, platform_id: str, text: str) -> SentReply:
        """Answer a comment in the commenter's inbox (once per comment, within 7 days).
        https://developers.facebook.com/docs/messenger-platform/discovery/private-replies"""
        account, comment = split_scoped(platform_id)
        return self._message(account, {"comment_id": comment}, text)

    def hide_comment(self, platform_id: str) -> None:
        account, comment = split_scoped(platform_id)
        flag = {"hide": "true"} if account in self._instagram else {"is_hidden": "true"}
        self._call("POST", account, f"/{comment}", params=flag)

    # -- token lifetime ------------------------------------------------------------------

    def token_expires_at(self) -> datetime | None:
        return parse_expiry(self.config["token_expires_at"])

    # -- health checks -------------------------------------------------------------------

    def required_scopes(self) -> dict[str, str | Promise]:
        if self._instagram:
            return dict(self.needed_scopes)
        return {
            name: why
            for name, why in self.needed_scopes.items()
            if not name.startswith(INSTAGRAM_PERMISSION_PREFIX)
        }

    def check_permissions(self) -> list[str] | None:
        """What every page token was granted (a permission one page lacks is missing).
        https://developers.facebook.com/docs/graph-api/reference/user/permissions/"""
        granted: set[str] | None = None
        for page in self._page_tokens:
            rows = self._call("GET", page, "/me/permissions").json().get("data") or []
            names = {
                str(row.get("permission"))
                for row in rows
                if isinstance(row, dict) and row.get("status") == "granted"
            }
            granted = names if granted is None else granted & names
        return sorted(granted) if granted is not None else None

    def check_subscriptions(self) -> SubscriptionCheck | None:
        """Whether each page has the app subscribed to the fields the desk reads.
        https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps/"""
        wanted, present = [], []
        for page in self._page_tokens:
            apps = self._call("GET", page, f"/{page}/subscribed_apps").json().get("data") or []
            fields = {
                str(name)
                for app in apps
                if isinstance(app, dict)
                for name in (app.get("subscribed_fields") or [])
            }
            wanted += [f"{page}:{name}" for name in PAGE_FIELDS]
            present += [f"{page}:{name}" for name in PAGE_FIELDS if name in fields]
        return SubscriptionCheck(wanted=tuple(wanted), present=tuple(present))

    def health_details(self) -> dict[str, str]:
        details = {gettext("pages"): ", ".join(self._page_tokens) or gettext("none")}
        if self._instagram:
            details[gettext("Instagram accounts")] = ", ".join(self._instagram)
        return details


def _graph_error(exc: http.HttpError) -> AdapterError:
    error = exc.payload.get("error", {}) if isinstance(exc.payload, dict) else {}
    if not isinstance(error, dict):
        # A proxy or an outage page in front of the Graph API: no Graph error to read.
        error = {}
    code, subcode = error.get("code"), error.get("error_subcode")
    text = error.get("message") or str(exc)
    if code == TOKEN_ERROR or exc.status == 401:
        return AuthError(f"Meta rejected the page token (OAuthException {code}): {text}")
    if code in RATE_LIMIT_ERRORS:
        return RateLimited(f"Meta rate limit (code {code}): {text}", retry_after=600)
    if subcode in WINDOW_CLOSED_SUBCODES:
        return AdapterError(
            "The 24-hour messaging window has closed: the person must write again first.",
            permanent=True,
        )
    return AdapterError(
        f"Meta refused the request ({exc.status}, code {code}): {text}", permanent=exc.permanent
    )

"""Threads (Meta): replies to our posts and mentions in by webhook; replies, hide and unhide
out through the reply-management API, within Threads' daily reply quota.

Webhooks: https://developers.facebook.com/docs/threads/webhooks — verified like Meta's (a GET
with `hub.*`, then `X-Hub-Signature-256` over each body with the Threads app secret).
Replies: https://developers.facebook.com/docs/threads/reply-management — a reply is a media
container (`POST /{user}/threads` with `reply_to_id`) published with `/threads_publish`;
`/{reply}/manage_reply` hides or unhides a reply to our posts. Limits:
https://developers.facebook.com/docs/threads/troubleshooting#rate-limiting — 1,000 replies
per 24 hours per profile, read from `/threads_publishing_limit` before each reply.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import requests
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from channels import http
from channels.adapters.app_routing import split_entries
from channels.adapters.base import (
    Adapter,
    AdapterError,
    AuthError,
    ConfigField,
    InvalidPayload,
    OutgoingReply,
    ParsedEvent,
    RateLimited,
    RoutedDelivery,
    SentReply,
    SignatureError,
    load_json_object,
)
from channels.adapters.threads.parsing import parse_threads
from channels.models import InboundEvent

SIGNATURE_HEADER = "X-Hub-Signature-256"
TOKEN_ERROR = 190
# Until the quota window moves on, a reply waits this long before it is tried again.
QUOTA_RETRY_SECONDS = 3600


class ThreadsAdapter(Adapter):
    kind = "threads"
    label = "Threads"
    description = "Replies and mentions on Threads; answered in the thread, hidden if needed."
    receives_webhooks = True
    can_hide_comments = True
    max_reply_length = 500
    kept_headers = (SIGNATURE_HEADER,)
    # https://developers.facebook.com/docs/threads/get-started#permissions
    needed_scopes = {
        "threads_basic": _("Know the profile connected."),
        "threads_read_replies": _("Read replies to the profile's posts."),
        "threads_manage_replies": _("Reply, and hide or unhide replies."),
        "threads_manage_mentions": _("Read posts that mention the profile."),
    }
    config_fields = (
        ConfigField("api_url", "Threads API URL", type="url", default="https://graph.threads.net"),
        ConfigField("api_version", "Threads API version", default="v1.0"),
        ConfigField("user_id", "Threads user id", example="17841400000000042"),
        ConfigField("username", "Username", example="infopark", help_text=_("without the @")),
        ConfigField("access_token", "Long-lived access token", secret=True),
        ConfigField(
            "app_secret",
            "Threads app secret",
            secret=True,
            help_text=_("App settings > Basic (Threads app): signs every delivery."),
        ),
        ConfigField(
            "verify_token",
            "Verify token",
            secret=True,
            help_text=_("Any string; entered again when the callback URL is registered."),
        ),
    )

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
            return HttpResponse("Wrong verify token.", status=403, content_type="text/plain")
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")

    def verify_webhook(self, request: HttpRequest) -> None:
        secret = self.secret("app_secret")
        if not secret:
            raise SignatureError("This channel has no Threads app secret configured.")
        expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise SignatureError(f"Missing or wrong {SIGNATURE_HEADER} header.")

    def delivery_id(self, request: HttpRequest) -> str | None:
        # Threads sends no delivery id; a retried delivery is byte for byte the same body.
        return "sha256:" + hashlib.sha256(request.body).hexdigest()

    def check_payload(self, body: bytes) -> None:
        payload = load_json_object(body)
        values = payload.get("values")
        if not isinstance(values, dict) or not isinstance(values.get("value"), dict):
            raise InvalidPayload("A Threads delivery carries 'values' with a 'value' object.")
        if not payload.get("target_id"):
            raise InvalidPayload("A Threads delivery names its 'target_id'.")

    def serves(self, user_id: str) -> bool:
        return str(self.config["user_id"]) == user_id

    def route(self, body: bytes, delivery_id: str | None) -> list[RoutedDelivery]:
        """One Threads app, several profiles: each delivery goes to the profile's channel."""
        payload = load_json_object(body)
        return split_entries(
            self,
            entries=[payload],
            account_of=lambda entry: str(entry.get("target_id", "")),
            serves=lambda adapter, account: adapter.serves(account),
            credential_field="app_secret",
            rebuild=lambda entries: json.dumps(entries[0], ensure_ascii=False).encode(),
            body=body,
            delivery_id=delivery_id,
        )

    def parse(self, event: InboundEvent) -> ParsedEvent:
        return parse_threads(
            load_json_object(bytes(event.body)),
            user_id=str(self.config["user_id"]),
            username=str(self.config["username"]),
        )

    # -- calls ---------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = f"{self.config['api_url']}/{self.config['api_version']}{path}"
        headers = {"Authorization": f"Bearer {self.secret('access_token')}"}
        try:
            return http.request(method, url, headers=headers, **kwargs)
        except http.HttpError as exc:
            error = exc.payload.get("error", {}) if isinstance(exc.payload, dict) else {}
            text = error.get("message") or str(exc)
            if error.get("code") == TOKEN_ERROR or exc.status == 401:
                raise AuthError(f"Threads rejected the access token: {text}") from None
            raise AdapterError(
                f"Threads refused the request ({exc.status}): {text}", permanent=exc.permanent
            ) from None

    def check_credentials(self) -> str:
        me = self._call("GET", "/me", params={"fields": "id,username"}).json()
        return f"@{me.get('username')} ({me.get('id')})"

    def reply_quota(self) -> tuple[int, int]:
        """Replies used in the last 24 hours, and how many Threads allows."""
        found = self._call(
            "GET",
            f"/{self.config['user_id']}/threads_publishing_limit",
            params={"fields": "reply_quota_usage,reply_config"},
        ).json()
        row = (found.get("data") or [{}])[0]
        total = int((row.get("reply_config") or {}).get("quota_total") or 1000)
        return int(row.get("reply_quota_usage") or 0), total

    def health_details(self) -> dict[str, str]:
        return {gettext("username"): f"@{self.config['username']}"}

    # -- replying ------------------------------------------------------------------------

    def send_reply(self, reply: OutgoingReply) -> SentReply:
        if reply.is_private:
            raise AdapterError("Threads has no private messages to answer.", permanent=True)
        if not reply.in_reply_to_platform_id:
            raise AdapterError("A reply on Threads must answer a post.", permanent=True)
        used, total = self.reply_quota()
        if used >= total:
            # Refused before anything is created: the reply waits, queued, for the window.
            raise RateLimited(
                f"Threads allows {total} replies in 24 hours and {used} were sent; "
                "the reply goes out when the quota allows.",
                retry_after=QUOTA_RETRY_SECONDS,
            )
        user = self.config["user_id"]
        container = self._call(
            "POST",
            f"/{user}/threads",
            params={
                "media_type": "TEXT",
                "text": reply.text,
                "reply_to_id": reply.in_reply_to_platform_id,
            },
        ).json()
        published = self._call(
            "POST", f"/{user}/threads_publish", params={"creation_id": container["id"]}
        ).json()
        media_id = str(published["id"])
        return SentReply(platform_id=media_id, url=self._permalink(media_id))

    def _permalink(self, media_id: str) -> str:
        try:
            found = self._call("GET", f"/{media_id}", params={"fields": "permalink"}).json()
        except AdapterError:
            return ""
        return str(found.get("permalink") or "")

    def find_sent_reply(self, reply: OutgoingReply) -> SentReply | None:
        """Our latest replies, looked through for this one: Threads takes no idempotency key."""
        found = self._call(
            "GET",
            f"/{self.config['user_id']}/replies",
            params={"fields": "id,text,permalink,replied_to", "limit": 25},
        ).json()
        for item in found.get("data") or []:
            answers = str((item.get("replied_to") or {}).get("id") or "")
            if answers == reply.in_reply_to_platform_id and item.get("text") == reply.text:
                return SentReply(platform_id=str(item["id"]), url=item.get("permalink", ""))
        return None

    def hide_comment(self, platform_id: str) -> None:
        self._manage_reply(platform_id, hide=True)

    def unhide_comment(self, platform_id: str) -> None:
        self._manage_reply(platform_id, hide=False)

    def _manage_reply(self, platform_id: str, *, hide: bool) -> None:
        self._call(
            "POST",
            f"/{platform_id}/manage_reply",
            params={"hide": "true" if hide else "false"},
        )

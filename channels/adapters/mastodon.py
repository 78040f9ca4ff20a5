"""Mastodon: mentions from notifications and tracked hashtags from tag timelines; in real
time from the user stream (channels.streams.mastodon); on the company's own instance also
from admin webhooks (status.created, status.updated), signed in `X-Hub-Signature`.

API: https://docs.joinmastodon.org/methods/. Statuses' ids are numeric strings local to the
instance; their content is HTML, turned into plain text here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels import http
from channels.adapters.base import (
    Adapter,
    AdapterError,
    Author,
    ConfigField,
    InvalidPayload,
    MediaFile,
    Mention,
    MessageChange,
    OutgoingReply,
    ParsedEvent,
    PollResult,
    RawEvent,
    SentReply,
    SignatureError,
    load_json_object,
)
from channels.adapters.text import html_to_text
from channels.models import InboundEvent
from channels.terms import TermKind, term_kind

PAGE_SIZE = 40
# Notification types we know and deliberately do not ticket.
IGNORED_NOTIFICATIONS = {
    "favourite": "a favourite",
    "reblog": "a boost",
    "follow": "a new follower",
    "follow_request": "a follow request",
    "poll": "a poll ended",
    "update": "an edited post",
    "status": "a post by someone we subscribed to",
    "admin.sign_up": "an admin notice",
    "admin.report": "an admin notice",
    "severed_relationships": "a moderation notice",
    "moderation_warning": "a moderation notice",
    "quote": "a quote of our post",
}
ADMIN_SIGNATURE_HEADER = "X-Hub-Signature"
IGNORED_ADMIN_EVENTS = {
    "account.created": "a new account on the instance",
    "account.approved": "an account approved",
    "account.updated": "an account changed",
    "report.created": "a moderation report",
    "report.updated": "a moderation report changed",
}
MEDIA_TYPES = {"image": "image/*", "gifv": "video/mp4", "video": "video/*", "audio": "audio/*"}


def _newest(ids: list[str]) -> str:
    # Ids are numeric strings: compare them as numbers, "99" < "100".
    return max(ids, key=lambda value: (len(value), value))


class MastodonAdapter(Adapter):
    kind = "mastodon"
    label = "Mastodon"
    description = "Mentions and hashtags on a Mastodon instance, answered as replies."
    polls = True
    receives_webhooks = True
    kept_headers = (ADMIN_SIGNATURE_HEADER,)
    tracks_terms = True
    default_poll_interval = 60
    # Mastodon allows 500 characters; we prepend the @mention of the person answered.
    max_reply_length = 470
    # https://docs.joinmastodon.org/api/oauth-scopes/ (granular scopes, Mastodon 3.x and later)
    needed_scopes = {
        "read:accounts": _("Know the account connected."),
        "read:notifications": _("Read mentions, by polling and from the user stream."),
        "read:statuses": _("Read threads and posts with tracked hashtags."),
        "write:statuses": _("Post replies."),
    }
    config_fields = (
        ConfigField(
            "instance_url",
            "Instance URL",
            type="url",
            example="https://mastodon.social",
            help_text=_("The instance the company's account lives on."),
        ),
        ConfigField(
            "access_token",
            "Access token",
            secret=True,
            help_text=_("From Preferences > Development > New application, scopes read write."),
        ),
        ConfigField("notifications", "Poll mentions", type="bool", required=False, default=True),
        ConfigField(
            "realtime",
            "Read in real time",
            type="bool",
            required=False,
            default=False,
            help_text=_("Consumed by the streams service (user stream); polling is the fallback."),
        ),
        ConfigField(
            "webhook_secret",
            "Admin webhook secret",
            secret=True,
            required=False,
            help_text=_(
                "Own instance only: Administration > Webhooks, events status.created and "
                "status.updated, with this channel's webhook URL."
            ),
        ),
        ConfigField(
            "streaming_url",
            "Streaming URL",
            required=False,
            default="",
            help_text=_("Only if the instance streams from another host (see /api/v2/instance)."),
        ),
    )
    page_size = PAGE_SIZE

    # -- calls ---------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.secret('access_token')}"}
        headers.update(kwargs.pop("headers", {}))
        url = f"{self.config['instance_url']}{path}"
        return http.request(method, url, headers=headers, **kwargs).json()

    def _account(self) -> dict[str, Any]:
        return self._call("GET", "/api/v1/accounts/verify_credentials")

    def check_credentials(self) -> str:
        account = self._account()
        return f"@{account['acct']} on {urlsplit(self.config['instance_url']).hostname}"

    # -- polling -------------------------------------------------------------------------

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        cursor = dict(cursor)
        if not cursor.get("account_id"):
            cursor["account_id"] = str(self._account()["id"])
        events: list[RawEvent] = []
        more = False
        if self.config["notifications"]:
            page, cursor["notifications"], full = self._page(
                "/api/v1/notifications", cursor.get("notifications"), {"types[]": "mention"}
            )
            events += [RawEvent(json.dumps(n).encode(), f"notification:{n['id']}") for n in page]
            more |= full
        tags = cursor.get("tags", {})
        next_tags = {}
        for term in self.tracked_terms():
            if term_kind(term) != TermKind.HASHTAG:
                continue  # Keyword search needs full-text search on the instance: not relied on.
            tag = term[1:].lower()
            path = f"/api/v1/timelines/tag/{quote(tag, safe='')}"
            page, next_tags[tag], full = self._page(path, tags.get(tag), {})
            events += [RawEvent(json.dumps(s).encode(), f"status:{s['id']}") for s in page]
            more |= full
        cursor["tags"] = next_tags
        return PollResult(events=tuple(events), cursor=cursor, more=more)

    def _page(
        self, path: str, after: str | None, params: dict[str, str]
    ) -> tuple[list[dict[str, Any]], str | None, bool]:
        """One page of items newer than `after`, the new cursor, and whether more wait.

        `min_id` pages forward from the cursor without gaps; `since_id` would return the
        newest page and skip whatever lies between after an outage.
        https://docs.joinmastodon.org/api/guidelines/#pagination
        """
        query: dict[str, Any] = {"limit": PAGE_SIZE, **params}
        if after:
            query["min_id"] = after
        items = self._call("GET", path, params=query)
        if not isinstance(items, list):
            raise AdapterError(f"{path} did not answer with a list.")
        # Oldest first, so a reply is processed after the post it answers.
        items.sort(key=lambda item: (len(str(item["id"])), str(item["id"])))
        ids = [str(item["id"]) for item in items]
        # "0" marks a source polled once with nothing in it: from then on, page forward.
        newest = _newest([after, *ids] if after else ids) if ids else (after or "0")
        # A first poll takes only the latest page: the backlog before the channel existed
        # is not the desk's work.
        return items, newest, bool(after) and len(items) >= PAGE_SIZE

    def mentions_after(self, after: str | None) -> list[dict[str, Any]]:
        """Mention notifications newer than `after`, oldest first (the stream's backfill)."""
        query: dict[str, Any] = {"limit": PAGE_SIZE, "types[]": "mention"}
        if after:
            query["min_id"] = after
        items = self._call("GET", "/api/v1/notifications", params=query)
        if not isinstance(items, list):
            raise AdapterError("/api/v1/notifications did not answer with a list.")
        mentions = [item for item in items if item.get("type") == "mention"]
        return sorted(mentions, key=lambda item: (len(str(item["id"])), str(item["id"])))

    # -- admin webhooks (own instance) ---------------------------------------------------

    def verify_webhook(self, request: Any) -> None:
        secret = self.secret("webhook_secret")
        if not secret:
            raise SignatureError("This channel has no admin webhook secret configured.")
        expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        given = request.headers.get(ADMIN_SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise SignatureError(f"Missing or wrong {ADMIN_SIGNATURE_HEADER} header.")

    def delivery_id(self, request: Any) -> str | None:
        # Mastodon retries a delivery with the same body; it sends no delivery id.
        return "sha256:" + hashlib.sha256(request.body).hexdigest()

    def check_payload(self, body: bytes) -> None:
        payload = load_json_object(body)
        if not isinstance(payload.get("event"), str) or not isinstance(payload.get("object"), dict):
            raise InvalidPayload("An admin webhook delivery has 'event' and an 'object'.")

    def _own_account_id(self) -> str:
        return str(self.channel.poll_cursor.get("account_id") or self._account()["id"])

    def _admin_event(self, payload: dict[str, Any]) -> ParsedEvent:
        event, status = payload["event"], payload["object"]
        if event in IGNORED_ADMIN_EVENTS:
            return ParsedEvent(ignored_because=IGNORED_ADMIN_EVENTS[event])
        if event == "status.updated":
            return self._stream_change({"stream_event": "status.update", "status": status})
        if event != "status.created":
            return ParsedEvent(unsupported_because=f"unknown admin webhook event {event!r}")
        own = self._own_account_id()
        mentioned = {str(m.get("id")) for m in status.get("mentions") or []}
        if own not in mentioned and str((status.get("account") or {}).get("id")) != own:
            return ParsedEvent(ignored_because="a post on the instance that does not mention us")
        return ParsedEvent(mentions=(self._mention(status),))

    # -- parsing -------------------------------------------------------------------------

    def parse(self, event: InboundEvent) -> ParsedEvent:
        payload = load_json_object(bytes(event.body))
        if "stream_event" in payload:
            return self._stream_change(payload)
        if "event" in payload and isinstance(payload.get("object"), dict):
            return self._admin_event(payload)
        if "type" in payload and "account" in payload:
            kind = payload["type"]
            if kind in IGNORED_NOTIFICATIONS:
                return ParsedEvent(ignored_because=IGNORED_NOTIFICATIONS[kind])
            if kind != "mention" or not isinstance(payload.get("status"), dict):
                return ParsedEvent(unsupported_because=f"unknown notification type {kind!r}")
            status = payload["status"]
        elif "content" in payload and "visibility" in payload:
            status = payload
        else:
            return ParsedEvent(unsupported_because="neither a notification nor a status")
        if status.get("reblog"):
            return ParsedEvent(ignored_because="a boost of another post")
        return ParsedEvent(mentions=(self._mention(status),))

    def _stream_change(self, payload: dict[str, Any]) -> ParsedEvent:
        """An edit or deletion read from the user stream (channels.streams.mastodon)."""
        if payload["stream_event"] == "delete":
            change = MessageChange(
                platform_id=str(payload["id"]), kind="removed", happened_at=timezone.now()
            )
            return ParsedEvent(changes=(change,))
        if payload["stream_event"] == "status.update":
            status = payload["status"]
            edited = status.get("edited_at") or status["created_at"]
            change = MessageChange(
                platform_id=str(status["id"]),
                kind="edited",
                happened_at=datetime.fromisoformat(edited.replace("Z", "+00:00")),
                text=html_to_text(status.get("content") or ""),
            )
            return ParsedEvent(changes=(change,))
        return ParsedEvent(unsupported_because=f"unknown stream event {payload['stream_event']!r}")

    def _mention(self, status: dict[str, Any]) -> Mention:
        account = status["account"]
        acct = account["acct"]
        if "@" not in acct:
            acct = f"{acct}@{urlsplit(self.config['instance_url']).hostname}"
        return Mention(
            platform_id=str(status["id"]),
            author=Author(
                # Account ids are local to an instance; the profile URL is the same everywhere.
                platform_user_id=account.get("url") or acct,
                handle=f"@{acct}",
                display_name=account.get("display_name") or account.get("username", ""),
                profile_url=account.get("url", ""),
            ),
            text=html_to_text(status.get("content") or ""),
            subject=status.get("spoiler_text") or "",
            created_at=datetime.fromisoformat(status["created_at"].replace("Z", "+00:00")),
            parent_platform_id=str(status.get("in_reply_to_id") or ""),
            url=status.get("url") or status.get("uri") or "",
            language=status.get("language") or "",
            is_private=status.get("visibility") == "direct",
            is_own=str(account["id"]) == str(self.channel.poll_cursor.get("account_id", "")),
            attachments=tuple(
                MediaFile(
                    name=(media.get("description") or urlsplit(media["url"]).path.split("/")[-1])[
                        :255
                    ],
                    content_type=MEDIA_TYPES.get(media.get("type", ""), "application/octet-stream"),
                    size=0,
                    url=media["url"],
                )
                for media in status.get("media_attachments") or []
                if media.get("url")
            ),
            metadata={"visibility": status.get("visibility", "public")},
        )

    # -- replying ------------------------------------------------------------------------

    def send_reply(self, reply: OutgoingReply) -> SentReply:
        if not reply.in_reply_to_platform_id:
            raise AdapterError("A Mastodon reply must answer a post.", permanent=True)
        parent = self._call("GET", f"/api/v1/statuses/{reply.in_reply_to_platform_id}")
        mention = f"@{parent['account']['acct']}"
        text = reply.text if mention in reply.text else f"{mention} {reply.text}"
        status = self._call(
            "POST",
            "/api/v1/statuses",
            json_body={
                "status": text,
                "in_reply_to_id": reply.in_reply_to_platform_id,
                # A reply to a direct message must stay direct; one to a public post public.
                "visibility": parent.get("visibility", "public"),
            },
            # Mastodon answers a repeated key with the status it already created.
            # https://docs.joinmastodon.org/methods/statuses/#create
            headers={"Idempotency-Key": reply.idempotency_key},
        )
        return SentReply(platform_id=str(status["id"]), url=status.get("url") or "")

    def find_sent_reply(self, reply: OutgoingReply) -> SentReply | None:
        if not reply.in_reply_to_platform_id:
            return None
        own_id = str(self._account()["id"])
        context = self._call("GET", f"/api/v1/statuses/{reply.in_reply_to_platform_id}/context")
        for status in context.get("descendants", []):
            if (
                str(status["account"]["id"]) == own_id
                and str(status.get("in_reply_to_id")) == reply.in_reply_to_platform_id
                and reply.text.strip() in html_to_text(status.get("content") or "")
            ):
                return SentReply(platform_id=str(status["id"]), url=status.get("url") or "")
        return None

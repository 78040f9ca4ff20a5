"""Bluesky (AT Protocol): mentions and replies from notifications, tracked terms by search.

XRPC reference: https://docs.bsky.app/docs/category/http-reference. Sessions are created
with an app password and refreshed with the refresh token; both tokens are kept encrypted
in the cache, so polls do not spend createSession's tight rate limit.
"""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels import crypto, http
from channels.adapters.base import (
    Adapter,
    AdapterError,
    Author,
    ConfigField,
    Mention,
    OutgoingReply,
    ParsedEvent,
    PollResult,
    RawEvent,
    SentReply,
    load_json_object,
)
from channels.adapters.bluesky_chat import (
    CHAT_PROXY,
    CONVO_PREFIX,
    is_chat_log,
    new_chat_messages,
    parse_chat,
)
from channels.adapters.bluesky_jetstream import is_jetstream, parse_jetstream
from channels.models import InboundEvent
from channels.terms import TermKind, term_kind

POST_TYPE = "app.bsky.feed.post"
NOTIFICATION_PAGE = 50
SEARCH_PAGE = 25
MAX_NOTIFICATION_PAGES = 5
SESSION_SECONDS = 60 * 60 * 24 * 30
MENTION_REASONS = frozenset({"mention", "reply", "quote"})
IGNORED_REASONS = {
    "like": "a like",
    "repost": "a repost",
    "follow": "a new follower",
    "starterpack-joined": "someone joined a starter pack",
    "verified": "a verification notice",
    "unverified": "a verification notice",
    "like-via-repost": "a like of a repost",
    "repost-via-repost": "a repost of a repost",
    "subscribed-post": "a post by someone we subscribed to",
}
TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken"})
EPOCH = "1970-01-01T00:00:00.000Z"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def record_key(created_at: datetime, idempotency_key: str) -> str:
    """A TID (timestamp id) that is the same on every retry of one reply.

    Posts are keyed by TIDs; choosing it ourselves lets a retry ask whether the record
    exists before creating it. https://atproto.com/specs/record-key#record-key-type-tid
    """
    micros = int(created_at.timestamp() * 1_000_000)
    clock_id = zlib.crc32(idempotency_key.encode()) % 1024
    value = (micros << 10) | clock_id
    chars = []
    for _digit in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class BlueskyAdapter(Adapter):
    kind = "bluesky"
    label = "Bluesky"
    description = "Mentions, replies and tracked terms on Bluesky, answered in the thread."
    polls = True
    tracks_terms = True
    default_poll_interval = 60
    # Bluesky allows 300 graphemes; a character count is never lower than that.
    max_reply_length = 300
    # An app password's session says what it may do in its token's `scope` claim.
    needed_scopes = {
        "com.atproto.appPass": _("Read notifications and searches, and post replies."),
    }
    config_fields = (
        ConfigField(
            "service_url",
            "PDS URL",
            type="url",
            default="https://bsky.social",
            help_text=_("Where the account is hosted; bsky.social for most accounts."),
        ),
        ConfigField("handle", "Handle", example="desk.example.com", help_text=_("without the @")),
        ConfigField(
            "app_password",
            "App password",
            secret=True,
            help_text=_(
                "Settings > Privacy and security > App passwords; never the main password."
            ),
        ),
        ConfigField(
            "jetstream_url",
            "Jetstream URL",
            required=False,
            default="wss://jetstream2.us-east.bsky.network/subscribe",
            help_text=_("Read in real time by `manage.py stream_consumer`; polling stays on."),
        ),
        ConfigField(
            "direct_messages",
            "Read direct messages",
            type="bool",
            required=False,
            default=False,
            help_text=_("Needs an app password allowed to access direct messages."),
        ),
        ConfigField(
            "realtime",
            "Read in real time",
            type="bool",
            required=False,
            default=False,
            help_text=_("Consumed by the streams service (Jetstream); polling is the fallback."),
        ),
    )

    # -- sessions ------------------------------------------------------------------------

    @property
    def _session_key(self) -> str:
        return f"bluesky-session:{self.channel.pk}"

    def _url(self, nsid: str) -> str:
        return f"{self.config['service_url']}/xrpc/{nsid}"

    def _create_session(self) -> dict[str, Any]:
        session = http.request(
            "POST",
            self._url("com.atproto.server.createSession"),
            json_body={
                "identifier": self.config["handle"],
                "password": self.secret("app_password"),
            },
        ).json()
        return self._keep(session)

    def _refresh_session(self, session: dict[str, Any]) -> dict[str, Any]:
        try:
            fresh = http.request(
                "POST",
                self._url("com.atproto.server.refreshSession"),
                headers={"Authorization": f"Bearer {session['refreshJwt']}"},
            ).json()
        except http.HttpError as exc:
            if exc.status not in (400, 401):
                raise
            return self._create_session()
        return self._keep(fresh)

    def _keep(self, session: dict[str, Any]) -> dict[str, Any]:
        kept = {key: session[key] for key in ("did", "handle", "accessJwt", "refreshJwt")}
        cache.set(self._session_key, crypto.encrypt(kept), timeout=SESSION_SECONDS)
        return kept

    def _session(self) -> dict[str, Any]:
        stored = cache.get(self._session_key)
        return crypto.decrypt(stored) if stored else self._create_session()

    def _xrpc(
        self,
        method: str,
        nsid: str,
        *,
        params: Any = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        session = self._session()
        for attempt in range(2):
            try:
                return http.request(
                    method,
                    self._url(nsid),
                    headers={"Authorization": f"Bearer {session['accessJwt']}", **(headers or {})},
                    params=params,
                    json_body=body,
                ).json()
            except http.HttpError as exc:
                expired = isinstance(exc.payload, dict) and exc.payload.get("error") in TOKEN_ERRORS
                if attempt or not (expired or exc.status == 401):
                    raise
                session = self._refresh_session(session)
        raise AssertionError("unreachable")

    def check_credentials(self) -> str:
        session = self._create_session()
        return f"@{session['handle']} ({session['did']})"

    def own_did(self) -> str:
        return str(self.channel.poll_cursor.get("did") or self._session()["did"])

    def _profile(self, did: str) -> dict[str, Any]:
        """Handle and name of an author Jetstream names by DID only; empty if unknown."""
        try:
            return self._xrpc("GET", "app.bsky.actor.getProfile", params={"actor": did})
        except AdapterError:
            return {}

    # -- polling -------------------------------------------------------------------------

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        cursor = dict(cursor)
        cursor["did"] = self._session()["did"]
        events, cursor["notifications_seen"] = self._new_notifications(
            cursor.get("notifications_seen")
        )
        searched = cursor.get("search", {})
        next_search: dict[str, str] = {}
        more = False
        for term in self.tracked_terms():
            query = f"mentions:{term[1:]}" if term_kind(term) == TermKind.HANDLE else term
            since = searched.get(term)
            params = {"q": query, "sort": "latest", "limit": SEARCH_PAGE}
            if since:
                params["since"] = since
            posts = self._xrpc("GET", "app.bsky.feed.searchPosts", params=params).get("posts", [])
            events += [RawEvent(json.dumps(post).encode(), post["uri"]) for post in reversed(posts)]
            seen = [m for m in (_moment(p.get("indexedAt")) for p in posts) if m]
            # An empty first search still fixes where the next one starts.
            next_search[term] = _iso(max(seen)) if seen else (since or _iso(timezone.now()))
            more |= bool(since) and len(posts) >= SEARCH_PAGE
        cursor["search"] = next_search
        if self.config["direct_messages"]:
            chats, cursor["chat_rev"] = new_chat_messages(self._xrpc, cursor.get("chat_rev"))
            events += chats
        return PollResult(events=tuple(events), cursor=cursor, more=more)

    def _new_notifications(self, seen: str | None) -> tuple[list[RawEvent], str | None]:
        """Notifications come newest first: page back until we reach what we saw."""
        seen_at = _moment(seen)
        events: list[RawEvent] = []
        newest = seen_at
        page_cursor = None
        for _page in range(MAX_NOTIFICATION_PAGES):
            params: dict[str, Any] = {"limit": NOTIFICATION_PAGE}
            if page_cursor:
                params["cursor"] = page_cursor
            page = self._xrpc("GET", "app.bsky.notification.listNotifications", params=params)
            reached_seen = False
            for item in page.get("notifications", []):
                moment = _moment(item.get("indexedAt"))
                if seen_at and moment and moment <= seen_at:
                    reached_seen = True
                    continue
                events.append(RawEvent(json.dumps(item).encode(), item["uri"]))
                if moment and (newest is None or moment > newest):
                    newest = moment
            page_cursor = page.get("cursor")
            # A first poll takes the latest page only; the backlog is not the desk's work.
            if reached_seen or not page_cursor or seen_at is None:
                break
        # Oldest first, so a reply is processed after the post it answers.
        events.reverse()
        # An empty first poll still marks the channel as started: from then on, page back.
        return events, _iso(newest) if newest else EPOCH

    # -- parsing -------------------------------------------------------------------------

    def parse(self, event: InboundEvent) -> ParsedEvent:
        payload = load_json_object(bytes(event.body))
        if is_jetstream(payload):
            return parse_jetstream(payload, own_did=self.own_did(), profile=self._profile)
        if is_chat_log(payload):
            return parse_chat(payload, own_did=self.own_did(), profile=self._profile)
        if "reason" in payload:
            reason = payload["reason"]
            if reason in IGNORED_REASONS:
                return ParsedEvent(ignored_because=IGNORED_REASONS[reason])
            if reason not in MENTION_REASONS:
                return ParsedEvent(unsupported_because=f"unknown notification reason {reason!r}")
        elif not {"uri", "record", "author"} <= payload.keys():
            return ParsedEvent(unsupported_because="neither a notification nor a post")
        record = payload.get("record") or {}
        if record.get("$type") != POST_TYPE:
            return ParsedEvent(unsupported_because=f"record type {record.get('$type')!r}")
        return ParsedEvent(mentions=(self._mention(payload, record),))

    def _mention(self, post: dict[str, Any], record: dict[str, Any]) -> Mention:
        author = post["author"]
        handle = author.get("handle", "")
        reply = record.get("reply") or {}
        parent_uri = (reply.get("parent") or {}).get("uri", "")
        root_uri = (reply.get("root") or {}).get("uri", "")
        langs = record.get("langs") or []
        return Mention(
            platform_id=post["uri"],
            author=Author(
                platform_user_id=author["did"],
                handle=f"@{handle}" if handle else "",
                display_name=author.get("displayName") or handle,
                profile_url=f"https://bsky.app/profile/{handle or author['did']}",
            ),
            text=record.get("text", ""),
            created_at=_moment(record.get("createdAt"))
            or _moment(post.get("indexedAt"))
            or timezone.now(),
            parent_platform_id=parent_uri,
            thread_platform_ids=(root_uri,) if root_uri and root_uri != parent_uri else (),
            url=self._post_url(handle or author["did"], post["uri"]),
            language=langs[0] if langs else "",
            is_own=author["did"] == self.channel.poll_cursor.get("did"),
            metadata={"cid": post.get("cid", "")},
        )

    @staticmethod
    def _post_url(handle: str, uri: str) -> str:
        return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"

    # -- replying ------------------------------------------------------------------------

    def _reply_key(self, reply: OutgoingReply) -> str:
        return record_key(reply.created_at or timezone.now(), reply.idempotency_key)

    def send_reply(self, reply: OutgoingReply) -> SentReply:
        if reply.is_private:
            convo = reply.conversation_root_platform_id.removeprefix(CONVO_PREFIX)
            if not convo or convo == reply.conversation_root_platform_id:
                raise AdapterError("A direct message needs its chat conversation.", permanent=True)
            sent = self._xrpc(
                "POST",
                "chat.bsky.convo.sendMessage",
                body={"convoId": convo, "message": {"text": reply.text}},
                headers=CHAT_PROXY,
            )
            return SentReply(platform_id=f"chat:{sent['id']}")
        if not reply.in_reply_to_platform_id:
            raise AdapterError("A Bluesky reply must answer a post.", permanent=True)
        session = self._session()
        posts = self._xrpc(
            "GET", "app.bsky.feed.getPosts", params={"uris": reply.in_reply_to_platform_id}
        ).get("posts", [])
        if not posts:
            raise AdapterError("The post being answered no longer exists.", permanent=True)
        parent = posts[0]
        parent_ref = {"uri": parent["uri"], "cid": parent["cid"]}
        # The root is the thread's first post, which the parent names if it is a reply itself.
        root_ref = ((parent.get("record") or {}).get("reply") or {}).get("root") or parent_ref
        created = self._xrpc(
            "POST",
            "com.atproto.repo.createRecord",
            body={
                "repo": session["did"],
                "collection": POST_TYPE,
                "rkey": self._reply_key(reply),
                "record": {
                    "$type": POST_TYPE,
                    "text": reply.text,
                    "createdAt": _iso(reply.created_at or timezone.now()),
                    "reply": {"root": root_ref, "parent": parent_ref},
                },
            },
        )
        return SentReply(created["uri"], self._post_url(session["handle"], created["uri"]))

    def find_sent_reply(self, reply: OutgoingReply) -> SentReply | None:
        if reply.is_private:
            return None  # the chat service cannot be asked for a message by our key
        session = self._session()
        try:
            found = self._xrpc(
                "GET",
                "com.atproto.repo.getRecord",
                params={
                    "repo": session["did"],
                    "collection": POST_TYPE,
                    "rkey": self._reply_key(reply),
                },
            )
        except http.HttpError as exc:
            if exc.status in (400, 404):
                return None
            raise
        return SentReply(found["uri"], self._post_url(session["handle"], found["uri"]))

"""YouTube: comments on the channel's videos, and videos found for tracked terms.

Data API v3: https://developers.google.com/youtube/v3/docs. Every call costs quota units
(list 1, search 100, insert 50; https://developers.google.com/youtube/v3/determine_quota_cost)
from a daily budget that resets at midnight Pacific time; the units are counted per channel
and day, and a call that would overspend waits for the next day instead.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests
from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from channels import crypto, http
from channels.adapters.base import (
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
    RateLimited,
    RawEvent,
    SentReply,
    load_json_object,
)
from channels.adapters.checks import QuotaUse
from channels.models import InboundEvent
from channels.platforms.quota import quota_used, spend_quota

PACIFIC = ZoneInfo("America/Los_Angeles")
COST = {"list": 1, "search": 100, "insert": 50}
PAGE_SIZE = 100
MAX_PAGES = 5
VIDEO_PREFIX = "video:"


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _iso(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def _watch_url(video_id: str, comment_id: str = "") -> str:
    url = f"https://www.youtube.com/watch?v={video_id}"
    return f"{url}&lc={comment_id}" if comment_id else url


def seconds_to_quota_reset() -> float:
    now = timezone.now().astimezone(PACIFIC)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), PACIFIC)
    return (midnight - now).total_seconds() + 60


class YouTubeAdapter(Adapter):
    kind = "youtube"
    label = "YouTube"
    description = "Comments on the channel's videos, and videos about tracked terms."
    polls = True
    tracks_terms = True
    default_poll_interval = 300
    max_reply_length = 10000
    # https://developers.google.com/youtube/v3/guides/auth/server-side-web-apps#identify-access-scopes
    needed_scopes = {
        "https://www.googleapis.com/auth/youtube.force-ssl": _(
            "Read comments on the channel's videos and post replies."
        ),
    }
    config_fields = (
        ConfigField("channel_id", "YouTube channel id", example="UC_x5XG1OV2P6uZZ5FSM9Ttw"),
        ConfigField("api_url", "API URL", type="url", default="https://www.googleapis.com"),
        ConfigField(
            "token_url", "Token URL", type="url", default="https://oauth2.googleapis.com/token"
        ),
        ConfigField("client_id", "OAuth client id"),
        ConfigField("client_secret", "OAuth client secret", secret=True),
        ConfigField(
            "refresh_token",
            "OAuth refresh token",
            secret=True,
            help_text=_("Scope https://www.googleapis.com/auth/youtube.force-ssl."),
        ),
        ConfigField("daily_quota", "Daily quota units", type="int", required=False, default=10000),
        ConfigField(
            "search_every_minutes",
            "Minutes between term searches",
            type="int",
            required=False,
            default=120,
            help_text=_("A search costs 100 units per term."),
        ),
    )

    # -- quota and tokens ----------------------------------------------------------------

    def _quota_day(self) -> Any:
        return timezone.now().astimezone(PACIFIC).date()

    def _spend(self, units: int) -> None:
        day = self._quota_day()
        if quota_used(channel_id=self.channel.pk, day=day) + units > self.config["daily_quota"]:
            raise RateLimited(
                f"The daily YouTube quota of {self.config['daily_quota']} units is used up.",
                retry_after=seconds_to_quota_reset(),
            )
        spend_quota(channel_id=self.channel.pk, day=day, units=units)

    @property
    def _token_key(self) -> str:
        return f"youtube-token:{self.channel.pk}"

    def _access_token(self, *, fresh: bool = False) -> str:
        stored = None if fresh else cache.get(self._token_key)
        if stored:
            return str(crypto.decrypt(stored))
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
                raise AuthError(
                    f"Google refused the refresh token ({exc}): connect the YouTube account again."
                ) from None
            raise
        lifetime = max(int(tokens.get("expires_in", 3600)) - 60, 60)
        cache.set(self._token_key, crypto.encrypt(tokens["access_token"]), timeout=lifetime)
        return str(tokens["access_token"])

    def _call(self, method: str, resource: str, cost: str, **kwargs: Any) -> requests.Response:
        self._spend(COST[cost])
        url = f"{self.config['api_url']}/youtube/v3/{resource}"
        for attempt in range(2):
            token = self._access_token(fresh=attempt > 0)
            try:
                return http.request(
                    method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs
                )
            except http.HttpError as exc:
                reasons = _reasons(exc.payload)
                if exc.status == 401 and not attempt:
                    continue
                if exc.status == 401:
                    raise AuthError(f"YouTube rejected the access token: {exc}") from None
                if {"quotaExceeded", "dailyLimitExceeded"} & reasons:
                    raise RateLimited(
                        "YouTube says the daily quota is used up.",
                        retry_after=seconds_to_quota_reset(),
                    ) from None
                raise
        raise AssertionError("unreachable")

    def check_credentials(self) -> str:
        found = (
            self._call(
                "GET",
                "channels",
                "list",
                params={"part": "snippet", "id": self.config["channel_id"]},
            )
            .json()
            .get("items")
            or []
        )
        if not found:
            raise AdapterError("The token does not reach that channel.", permanent=True)
        return f"{found[0]['snippet']['title']} ({self.config['channel_id']})"

    def quota_today(self) -> QuotaUse | None:
        used = quota_used(channel_id=self.channel.pk, day=self._quota_day())
        return QuotaUse(
            used=used, limit=self.config["daily_quota"], unit=_("units"), day=_("Pacific time")
        )

    def health_details(self) -> dict[str, str]:
        used = quota_used(channel_id=self.channel.pk, day=self._quota_day())
        return {
            gettext("quota today"): gettext("%(used)s of %(limit)s units (Pacific day)")
            % {
                "used": number_format(used, force_grouping=True),
                "limit": number_format(self.config["daily_quota"], force_grouping=True),
            }
        }

    # -- polling -------------------------------------------------------------------------

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        cursor = dict(cursor)
        events, cursor["seen"] = self._new_comments(cursor.get("seen"))
        searches = dict(cursor.get("search", {}))
        due = time.time() >= cursor.get("search_at", 0)
        if due and self.tracked_terms():
            for term in self.tracked_terms():
                found, searches[term] = self._search(term, searches.get(term))
                events += found
            cursor["search_at"] = time.time() + 60 * self.config["search_every_minutes"]
        cursor["search"] = searches
        return PollResult(events=tuple(events), cursor=cursor)

    def _new_comments(self, seen: str | None) -> tuple[list[RawEvent], str]:
        """Threads come with the latest activity first: page until nothing is newer than seen."""
        seen_at = _moment(seen) if seen else None
        events: list[RawEvent] = []
        newest = seen_at
        page_token = None
        for _page in range(MAX_PAGES):
            params = {
                "part": "snippet,replies",
                "allThreadsRelatedToChannelId": self.config["channel_id"],
                "maxResults": PAGE_SIZE,
                "order": "time",
                "textFormat": "plainText",
            }
            if page_token:
                params["pageToken"] = page_token
            page = self._call("GET", "commentThreads", "list", params=params).json()
            fresh_on_page = False
            for thread in page.get("items", []):
                for comment in self._thread_comments(thread):
                    changed = _moment(comment["snippet"]["updatedAt"])
                    if seen_at and changed <= seen_at:
                        continue
                    fresh_on_page = True
                    newest = max(newest, changed) if newest else changed
                    events.append(
                        RawEvent(
                            json.dumps({"kind": "youtube#comment", "comment": comment}).encode(),
                            f"{comment['id']}@{comment['snippet']['updatedAt']}",
                        )
                    )
            page_token = page.get("nextPageToken")
            # A first poll takes one page: the backlog before the channel existed is not ours.
            if not page_token or not fresh_on_page or seen_at is None:
                break
        # Oldest first, so a reply is processed after the comment it answers.
        events.sort(key=lambda raw: json.loads(raw.body)["comment"]["snippet"]["publishedAt"])
        return events, _iso(newest) if newest else _iso(timezone.now())

    def _thread_comments(self, thread: dict[str, Any]) -> list[dict[str, Any]]:
        top = thread["snippet"]["topLevelComment"]
        replies = (thread.get("replies") or {}).get("comments", [])
        if thread["snippet"].get("totalReplyCount", 0) > len(replies):
            # commentThreads carries at most five replies; the rest are listed by parent.
            replies = (
                self._call(
                    "GET",
                    "comments",
                    "list",
                    params={
                        "part": "snippet",
                        "parentId": top["id"],
                        "maxResults": PAGE_SIZE,
                        "textFormat": "plainText",
                    },
                )
                .json()
                .get("items", [])
            )
        for comment in (top, *replies):
            comment["snippet"].setdefault("videoId", thread["snippet"].get("videoId", ""))
        return [top, *replies]

    def _search(self, term: str, after: str | None) -> tuple[list[RawEvent], str]:
        started = _iso(timezone.now())
        if after is None:
            return [], started  # from now on: older videos are not the desk's work
        found = (
            self._call(
                "GET",
                "search",
                "search",
                params={
                    "part": "snippet",
                    "q": term,
                    "type": "video",
                    "order": "date",
                    "publishedAfter": after,
                    "maxResults": 50,
                },
            )
            .json()
            .get("items", [])
        )
        events = [
            RawEvent(json.dumps(item).encode(), f"{VIDEO_PREFIX}{item['id']['videoId']}")
            for item in reversed(found)
            if item["snippet"].get("channelId") != self.config["channel_id"]
        ]
        return events, started

    # -- parsing -------------------------------------------------------------------------

    def parse(self, event: InboundEvent) -> ParsedEvent:
        payload = load_json_object(bytes(event.body))
        if payload.get("kind") == "youtube#comment":
            return self._comment(payload["comment"])
        if payload.get("kind") == "youtube#searchResult":
            return ParsedEvent(mentions=(self._video(payload),))
        return ParsedEvent(unsupported_because=f"unknown resource kind {payload.get('kind')!r}")

    def _comment(self, comment: dict[str, Any]) -> ParsedEvent:
        snippet = comment["snippet"]
        author_id = (snippet.get("authorChannelId") or {}).get("value", "")
        video = snippet.get("videoId", "")
        text = snippet.get("textOriginal") or snippet.get("textDisplay", "")
        mention = Mention(
            platform_id=comment["id"],
            author=Author(
                platform_user_id=author_id,
                handle=snippet.get("authorDisplayName", ""),
                display_name=snippet.get("authorDisplayName", ""),
                profile_url=snippet.get("authorChannelUrl", ""),
            ),
            text=text,
            created_at=_moment(snippet["publishedAt"]),
            # A top-level comment answers the video: one conversation per person and video.
            parent_platform_id=snippet.get("parentId") or f"{VIDEO_PREFIX}{video}",
            thread_platform_ids=(f"{VIDEO_PREFIX}{video}",) if snippet.get("parentId") else (),
            url=_watch_url(video, comment["id"]),
            is_own=author_id == self.config["channel_id"],
        )
        changes: tuple[MessageChange, ...] = ()
        if snippet.get("updatedAt", snippet["publishedAt"]) != snippet["publishedAt"]:
            changes = (
                MessageChange(comment["id"], "edited", _moment(snippet["updatedAt"]), text=text),
            )
        return ParsedEvent(mentions=(mention,), changes=changes)

    def _video(self, item: dict[str, Any]) -> Mention:
        snippet = item["snippet"]
        video = item["id"]["videoId"]
        return Mention(
            platform_id=f"{VIDEO_PREFIX}{video}",
            author=Author(
                platform_user_id=snippet.get("channelId", ""),
                display_name=snippet.get("channelTitle", ""),
                profile_url=f"https://www.youtube.com/channel/{snippet.get('channelId', '')}",
            ),
            text=f"{snippet.get('title', '')}\n\n{snippet.get('description', '')}".strip(),
            subject=snippet.get("title", ""),
            created_at=_moment(snippet["publishedAt"]),
            url=_watch_url(video),
            metadata={"video": video},
        )

    # -- replying ------------------------------------------------------------------------

    def send_reply(self, reply: OutgoingReply) -> SentReply:
        target = reply.in_reply_to_platform_id
        if not target:
            raise AdapterError("A YouTube reply must answer a comment or a video.", permanent=True)
        if target.startswith(VIDEO_PREFIX):
            video = target.removeprefix(VIDEO_PREFIX)
            thread = self._call(
                "POST",
                "commentThreads",
                "insert",
                params={"part": "snippet"},
                json_body={
                    "snippet": {
                        "videoId": video,
                        "topLevelComment": {"snippet": {"textOriginal": reply.text}},
                    }
                },
            ).json()
            comment_id = thread["snippet"]["topLevelComment"]["id"]
            return SentReply(comment_id, _watch_url(video, comment_id))
        # Replies hang under the top-level comment; a reply's id is "<parent id>.<own id>".
        parent = target.split(".", 1)[0]
        created = self._call(
            "POST",
            "comments",
            "insert",
            params={"part": "snippet"},
            json_body={"snippet": {"parentId": parent, "textOriginal": reply.text}},
        ).json()
        return SentReply(created["id"])

    def find_sent_reply(self, reply: OutgoingReply) -> SentReply | None:
        target = reply.in_reply_to_platform_id
        if not target or target.startswith(VIDEO_PREFIX):
            return None
        replies = (
            self._call(
                "GET",
                "comments",
                "list",
                params={
                    "part": "snippet",
                    "parentId": target.split(".", 1)[0],
                    "maxResults": PAGE_SIZE,
                    "textFormat": "plainText",
                },
            )
            .json()
            .get("items", [])
        )
        for comment in replies:
            snippet = comment["snippet"]
            if (snippet.get("authorChannelId") or {}).get("value") == self.config[
                "channel_id"
            ] and snippet.get("textOriginal", "").strip() == reply.text.strip():
                return SentReply(comment["id"])
        return None


def _reasons(payload: Any) -> set[str]:
    if not isinstance(payload, dict):
        return set()
    errors = (payload.get("error") or {}).get("errors") or []
    return {e.get("reason", "") for e in errors if isinstance(e, dict)}

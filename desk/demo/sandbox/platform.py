"""The sandbox platform: what the demo channels' adapters talk to instead of the internet.

Each route answers in the shape of the real platform's API (only the calls a reply makes),
so the adapters run their real code; what was posted is kept as a `SandboxPost` and shown on
/sandbox/ like a public timeline. Instagram refuses replies on purpose, so the demo shows a
failed delivery too.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from desk.demo.models import SandboxPost

HOST = "sandbox.socialdesk.invalid"
BASE_URL = f"http://{HOST}"
SMTP_HOST = f"smtp.{HOST}"
# The company's account on the sandbox platforms.
X_ACCOUNT_ID = "1545342867340054528"
COMPANY_HANDLE = "infopark"
COMPANY_DID = "did:plc:infoparksandbox"
REJECTING_PLATFORM = "instagram"
REJECTION = (
    "(#200) The sandbox's Instagram account has not granted instagram_manage_comments: "
    "it refuses every reply, so the demo shows what a failed delivery looks like."
)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


Route = Callable[[str, re.Match[str], Any, Any], Answer]


def new_id() -> str:
    # Numeric like most platforms' ids, unique enough for a demo.
    return str(10**17 + secrets.randbelow(9 * 10**17))


def record(
    *, platform: str, platform_id: str, text: str, in_reply_to: str = "", author: str = ""
) -> SandboxPost:
    return SandboxPost.objects.create(
        platform=platform,
        posted_by=SandboxPost.Author.COMPANY,
        platform_id=platform_id,
        in_reply_to=in_reply_to,
        author=author or COMPANY_HANDLE,
        text=text,
    )


def customer_post(*, platform_id: str) -> SandboxPost | None:
    return SandboxPost.objects.filter(platform_id=platform_id).first()


# -- X ------------------------------------------------------------------------------------


def _x_tweet(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    post_id = new_id()
    parent = str((body.get("reply") or {}).get("in_reply_to_tweet_id", ""))
    record(platform="x", platform_id=post_id, text=body["text"], in_reply_to=parent)
    return Answer(201, {"data": {"id": post_id, "text": body["text"]}})


def _x_dm(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    event_id = new_id()
    record(platform="x", platform_id=event_id, text=body["text"], in_reply_to=f"DM {match[1]}")
    return Answer(201, {"data": {"dm_conversation_id": match[1], "dm_event_id": event_id}})


def _x_timeline(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    posts = SandboxPost.objects.filter(platform="x", posted_by=SandboxPost.Author.COMPANY)[:20]
    data = [
        {
            "id": p.platform_id,
            "text": p.text,
            "referenced_tweets": [{"type": "replied_to", "id": p.in_reply_to}],
        }
        for p in posts
    ]
    return Answer(200, {"data": data})


def _x_me(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    return Answer(200, {"data": {"id": X_ACCOUNT_ID, "username": COMPANY_HANDLE}})


# -- Facebook and Instagram (the Graph API) -----------------------------------------------


def _graph_comment(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    comment_id = f"{match[1].rsplit('_', 1)[-1]}_{new_id()}"
    record(platform="facebook", platform_id=comment_id, text=body["message"], in_reply_to=match[1])
    return Answer(200, {"id": comment_id})


def _graph_message(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    message_id = f"m_{new_id()}"
    recipient = body.get("recipient") or {}
    to = recipient.get("id") or recipient.get("comment_id", "")
    text = (body.get("message") or {}).get("text", "")
    record(platform="facebook", platform_id=message_id, text=text, in_reply_to=f"DM {to}")
    return Answer(200, {"recipient_id": to, "message_id": message_id})


def _graph_object(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    if method == "GET":
        return Answer(200, {"id": match[1], "name": "Infopark (sandbox)"})
    return Answer(200, {"success": True})


# What the sandbox's pages granted: everything the desk needs, except that the Instagram
# account never granted instagram_manage_comments (see REJECTION), so channel health shows a
# missing permission too.
FACEBOOK_PERMISSIONS = (
    "pages_show_list",
    "pages_manage_metadata",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_manage_engagement",
    "pages_messaging",
)
INSTAGRAM_PERMISSIONS = (*FACEBOOK_PERMISSIONS, "instagram_basic", "instagram_manage_messages")


def _granted(names: tuple[str, ...]) -> Route:
    def permissions(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
        return Answer(200, {"data": [{"permission": n, "status": "granted"} for n in names]})

    return permissions


def _graph_subscribed_apps(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    app = {
        "id": "1",
        "name": "socialdesk (sandbox)",
        "subscribed_fields": ["feed", "messages", "mention"],
    }
    return Answer(200, {"data": [app]})


def _graph_refused(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    text = (body or {}).get("message") or ""
    SandboxPost.objects.create(
        platform=REJECTING_PLATFORM,
        posted_by=SandboxPost.Author.COMPANY,
        platform_id="",
        in_reply_to=match[1],
        author=COMPANY_HANDLE,
        text=text if isinstance(text, str) else str(text),
        accepted=False,
        error=REJECTION,
    )
    error = {"message": REJECTION, "type": "OAuthException", "code": 200}
    return Answer(403, {"error": error})


# -- Mastodon -----------------------------------------------------------------------------


def _mastodon_status(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    post = customer_post(platform_id=match[1])
    if post is None:
        return Answer(404, {"error": "Record not found"})
    acct = post.author if post.posted_by == SandboxPost.Author.CUSTOMER else COMPANY_HANDLE
    return Answer(200, {"id": post.platform_id, "account": {"acct": acct}, "visibility": "public"})


def _mastodon_post(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    status_id = new_id()
    record(
        platform="mastodon",
        platform_id=status_id,
        text=body["status"],
        in_reply_to=str(body.get("in_reply_to_id") or ""),
    )
    url = f"https://mastodon.sandbox.invalid/@{COMPANY_HANDLE}/{status_id}"
    return Answer(200, {"id": status_id, "url": url, "content": body["status"]})


def _mastodon_context(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    return Answer(200, {"ancestors": [], "descendants": []})


def _mastodon_me(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    return Answer(200, {"id": "1", "acct": COMPANY_HANDLE, "username": COMPANY_HANDLE})


# -- Bluesky ------------------------------------------------------------------------------


def _bsky_session(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    jwt = secrets.token_urlsafe(24)
    return Answer(
        200,
        {
            "did": COMPANY_DID,
            "handle": f"{COMPANY_HANDLE}.bsky.social",
            "accessJwt": jwt,
            "refreshJwt": jwt,
        },
    )


def _bsky_posts(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    uris = (params or {}).get("uris", "")
    uri = uris[0] if isinstance(uris, list) else uris
    post = customer_post(platform_id=uri)
    if post is None:
        return Answer(200, {"posts": []})
    return Answer(200, {"posts": [{"uri": uri, "cid": f"cid-{post.pk}", "record": {}}]})


def _bsky_create(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    uri = f"at://{COMPANY_DID}/app.bsky.feed.post/{body['rkey']}"
    post = body["record"]
    parent = ((post.get("reply") or {}).get("parent") or {}).get("uri", "")
    record(platform="bluesky", platform_id=uri, text=post["text"], in_reply_to=parent)
    return Answer(200, {"uri": uri, "cid": f"cid-{new_id()}"})


def _bsky_record(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    uri = f"at://{COMPANY_DID}/app.bsky.feed.post/{(params or {}).get('rkey', '')}"
    if customer_post(platform_id=uri) is None:
        return Answer(400, {"error": "RecordNotFound", "message": "Could not locate record"})
    return Answer(200, {"uri": uri, "cid": "cid"})


# -- LinkedIn -----------------------------------------------------------------------------


def _linkedin_comment(method: str, match: re.Match[str], params: Any, body: Any) -> Answer:
    urn = f"urn:li:comment:({body['object']},{new_id()})"
    text = (body.get("message") or {}).get("text", "")
    record(platform="linkedin", platform_id=urn, text=text, in_reply_to=body.get("object", ""))
    return Answer(201, {"commentUrn": urn})


ROUTES: dict[str, list[tuple[str, re.Pattern[str], Route]]] = {
    "x": [
        ("POST", re.compile(r"/2/tweets"), _x_tweet),
        ("POST", re.compile(r"/2/dm_conversations/with/([^/]+)/messages"), _x_dm),
        ("GET", re.compile(r"/2/users/[^/]+/tweets"), _x_timeline),
        ("GET", re.compile(r"/2/users/me"), _x_me),
    ],
    "facebook": [
        ("GET", re.compile(r"/v[\d.]+/me/permissions"), _granted(FACEBOOK_PERMISSIONS)),
        ("GET", re.compile(r"/v[\d.]+/([^/]+)/subscribed_apps"), _graph_subscribed_apps),
        ("POST", re.compile(r"/v[\d.]+/([^/]+)/(?:comments|replies)"), _graph_comment),
        ("POST", re.compile(r"/v[\d.]+/([^/]+)/messages"), _graph_message),
        ("*", re.compile(r"/v[\d.]+/([^/]+)"), _graph_object),
    ],
    "instagram": [
        ("GET", re.compile(r"/v[\d.]+/me/permissions"), _granted(INSTAGRAM_PERMISSIONS)),
        ("GET", re.compile(r"/v[\d.]+/([^/]+)/subscribed_apps"), _graph_subscribed_apps),
        ("POST", re.compile(r"/v[\d.]+/(.+)"), _graph_refused),
        ("GET", re.compile(r"/v[\d.]+/([^/]+)"), _graph_object),
    ],
    "mastodon": [
        ("GET", re.compile(r"/api/v1/accounts/verify_credentials"), _mastodon_me),
        ("GET", re.compile(r"/api/v1/statuses/([^/]+)/context"), _mastodon_context),
        ("GET", re.compile(r"/api/v1/statuses/([^/]+)"), _mastodon_status),
        ("POST", re.compile(r"/api/v1/statuses"), _mastodon_post),
    ],
    "linkedin": [
        ("POST", re.compile(r"/rest/socialActions/([^/]+)/comments"), _linkedin_comment),
    ],
    "bluesky": [
        (
            "POST",
            re.compile(r"/xrpc/com\.atproto\.server\.(?:create|refresh)Session"),
            _bsky_session,
        ),
        ("GET", re.compile(r"/xrpc/app\.bsky\.feed\.getPosts"), _bsky_posts),
        ("POST", re.compile(r"/xrpc/com\.atproto\.repo\.createRecord"), _bsky_create),
        ("GET", re.compile(r"/xrpc/com\.atproto\.repo\.getRecord"), _bsky_record),
    ],
}


def answer(*, platform: str, method: str, path: str, params: Any, body: Any) -> Answer:
    for route_method, pattern, route in ROUTES.get(platform, []):
        match = pattern.fullmatch(path)
        if match and route_method in (method, "*"):
            return route(method, match, params, body)
    return Answer(404, {"error": f"The sandbox has no {method} {path} on {platform!r}."})


def deliver_mail(message: Any) -> None:
    """The sandbox's mail server: accepts every message and keeps it."""
    record(
        platform="email",
        platform_id=str(message["Message-ID"] or "").strip("<>") or new_id(),
        text=_mail_text(message),
        in_reply_to=str(message["In-Reply-To"] or "").strip("<>"),
        author=f"{message['From']} → {message['To']}",
    )


def _mail_text(message: Any) -> str:
    part = message.get_body(preferencelist=("plain",)) if hasattr(message, "get_body") else None
    return (part.get_content() if part is not None else str(message.get_payload()))[:5000]


def url_for(platform: str) -> str:
    return f"{BASE_URL}/{platform}"


def now_iso() -> str:
    return timezone.now().isoformat()

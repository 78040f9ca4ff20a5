"""What every channel adapter offers the desk.

An adapter verifies webhook requests, turns a raw event into normalized mentions, polls for
new events with a cursor, and sends replies. It never writes to the database itself: the
desk stores raw events and ingests mentions, so every platform shares one durable path.

Writing a new adapter (see README, "Writing an adapter"):

1. Subclass `Adapter`, set `kind`, `label`, `config_fields`, `max_reply_length`, and
   `receives_webhooks` and/or `polls`.
2. Webhooks: implement `verify_webhook` (raise `SignatureError`), `delivery_id`,
   `check_payload` (raise `InvalidPayload`), and `handshake` for GET challenges.
3. Polling: implement `poll(cursor)`, returning the raw events of one page and the cursor
   after them. The poller stores the events, and only then saves the cursor.
4. `parse(event)` turns one stored raw event into `Mention`s, or says why it is ignored
   (known but not ticketed) or unsupported (unknown): never drop an event silently. Read the
   payload through `channels.adapters.payload` (`text`, `ident`, `obj`, `items`, `moment`);
   the desk calls `parse_event`, which turns a payload we cannot read into an unsupported
   event and a mention with nothing visible in it into an ignored one, never a retry. The
   fuzz tests (tests/channels/test_parser_fuzzing.py) run every kind's recorded fixtures.
5. `send_reply(reply)`; if the platform lets us look a post up, `find_sent_reply(reply)`
   so that a retry after an unclear failure never posts twice.
6. All HTTP goes through `channels.http`; raise `AdapterError(permanent=...)` (or
   `AuthError` for rejected credentials, which disables the channel).
7. Register the class path in `registry.ADAPTERS`, add recorded payloads under
   `tests/fixtures/<kind>/` and `tests/channels/adapters/test_<kind>.py`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise

from channels.adapters.checks import QuotaUse, SubscriptionCheck
from channels.adapters.payload import MalformedPayload, clean_json, clean_text

# The errors are part of the adapter protocol: adapters import them from here.
from channels.errors import AdapterError as AdapterError
from channels.errors import AuthError as AuthError
from channels.errors import InvalidPayload as InvalidPayload
from channels.errors import RateLimited as RateLimited
from channels.errors import SignatureError as SignatureError
from channels.terms import expand_terms
from tickets.text import is_blank

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from channels.models import Channel, InboundEvent


def load_json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InvalidPayload(f"The body is not valid UTF-8 (byte {exc.start}).") from None
    except json.JSONDecodeError as exc:
        raise InvalidPayload(f"The body is not valid JSON: {exc.msg} at {exc.pos}.") from None
    except RecursionError:
        raise InvalidPayload("The body is nested too deeply.") from None
    if not isinstance(value, dict):
        raise InvalidPayload("The body must be a JSON object.")
    return value


def contains_nul(value: Any) -> bool:
    """PostgreSQL text cannot hold NUL: such a payload must be refused before it is stored."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(contains_nul(item) for item in value)
    return False


def _fit(
    obj: Any, name: str, limit: int | None = None, *, cut: bool = True, drop: bool = False
) -> None:
    """Make one field of a frozen value storable (see channels.adapters.payload.clean_text);
    with `drop`, a value too long for its column (an address) is left out."""
    value = getattr(obj, name)
    if drop and isinstance(value, str) and limit is not None and len(value) > limit:
        value = ""
    object.__setattr__(obj, name, clean_text(value, field=name, limit=limit, cut=cut))


def _aware(value: Any) -> datetime:
    if not isinstance(value, datetime):
        return timezone.now()
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Author:
    platform_user_id: str
    # The platform the account belongs to, when it is not the channel's own kind (a REST
    # client's author known by e-mail address is the same person as the e-mail sender).
    kind: str = ""
    handle: str = ""
    display_name: str = ""
    profile_url: str = ""
    email: str = ""

    def __post_init__(self) -> None:
        _fit(self, "platform_user_id", 255, cut=False)
        _fit(self, "kind", 32, cut=False)
        _fit(self, "handle", 255)
        # The contact's name column is the shortest that holds it.
        _fit(self, "display_name", 200)
        _fit(self, "profile_url", 500, drop=True)
        _fit(self, "email", 254, drop=True)


@dataclass(frozen=True)
class MediaFile:
    """An attachment: its bytes when the platform sent them inline, else where to find it."""

    name: str
    content_type: str
    size: int
    content: bytes | None = None
    url: str = ""

    def __post_init__(self) -> None:
        _fit(self, "name", 255)
        _fit(self, "content_type", 255)
        _fit(self, "url", 1000, drop=True)
        if not isinstance(self.size, int) or self.size < 0:
            object.__setattr__(self, "size", 0)


@dataclass(frozen=True)
class Mention:
    """One post, comment, message or e-mail, in the same shape whatever its platform."""

    platform_id: str
    author: Author
    text: str
    created_at: datetime
    # The post this one answers; the thread is found through it.
    parent_platform_id: str = ""
    # Earlier ids of the same thread, nearest first (e-mail References), tried after the parent.
    thread_platform_ids: tuple[str, ...] = ()
    subject: str = ""
    url: str = ""
    language: str = ""
    is_private: bool = False
    # Our own reply, echoed back by the platform: recorded against our outbound message only.
    is_own: bool = False
    # Files that came with the mention; stored by channels.attachments after ingestion.
    attachments: tuple[MediaFile, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Whatever a parser read from the payload, a Mention holds storable values."""
        _fit(self, "platform_id", 255, cut=False)
        if not self.platform_id.strip():
            raise MalformedPayload("the post has no id")
        _fit(self, "parent_platform_id", 255, cut=False)
        object.__setattr__(
            self,
            "thread_platform_ids",
            tuple(
                cleaned
                for pid in self.thread_platform_ids or ()
                if (cleaned := clean_text(pid, field="thread id")) and len(cleaned) <= 255
            ),
        )
        _fit(self, "text")
        _fit(self, "subject", 300)
        _fit(self, "url", 1000, drop=True)
        _fit(self, "language", 8, drop=True)
        object.__setattr__(self, "created_at", _aware(self.created_at))
        metadata = clean_json(self.metadata) if isinstance(self.metadata, dict) else {}
        object.__setattr__(self, "metadata", metadata)


@dataclass(frozen=True)
class MessageChange:
    """A later change to a mention delivered before: its text was edited, or it was removed."""

    platform_id: str
    # "edited" or "removed"
    kind: str
    happened_at: datetime
    # The text after an edit.
    text: str = ""

    def __post_init__(self) -> None:
        _fit(self, "platform_id", 255, cut=False)
        _fit(self, "text")
        object.__setattr__(self, "happened_at", _aware(self.happened_at))


@dataclass(frozen=True)
class ParsedEvent:
    mentions: tuple[Mention, ...] = ()
    # Edits and removals of earlier mentions, applied by channels.platforms.revisions.
    changes: tuple[MessageChange, ...] = ()
    # Set when the event is a known kind we deliberately do not ticket (a like, a read receipt).
    ignored_because: str = ""
    # Set when the event type is unknown to us: stored as unsupported, never silently dropped.
    unsupported_because: str = ""

    def __post_init__(self) -> None:
        _fit(self, "ignored_because", 2000)
        _fit(self, "unsupported_because", 2000)


# What a parser raises on a payload that is not in the shape it expects. A platform call made
# while parsing raises AdapterError instead, and that is retried.
UNREADABLE = (
    MalformedPayload,
    InvalidPayload,
    LookupError,
    TypeError,
    ValueError,
    AttributeError,
    ArithmeticError,
    RecursionError,
)
EMPTY_TEXT = "the text is empty: only whitespace or invisible characters"


def is_empty_mention(mention: Mention) -> bool:
    return is_blank(mention.text) and is_blank(mention.subject) and not mention.attachments


def _without_empty_mentions(parsed: ParsedEvent) -> ParsedEvent:
    kept = tuple(mention for mention in parsed.mentions if not is_empty_mention(mention))
    if len(kept) == len(parsed.mentions):
        return parsed
    if not kept and not parsed.changes:
        return ParsedEvent(ignored_because=EMPTY_TEXT)
    return replace(parsed, mentions=kept)


@dataclass(frozen=True)
class RawEvent:
    """A raw event found by polling, stored exactly like a webhook delivery."""

    body: bytes
    delivery_id: str
    content_type: str = "application/json"


@dataclass(frozen=True)
class RoutedDelivery:
    """A webhook delivery, or the part of it, that belongs to one channel."""

    channel: Channel
    body: bytes
    delivery_id: str | None


@dataclass(frozen=True)
class PollResult:
    events: tuple[RawEvent, ...]
    # Adapter-owned state saved after the events are stored; passed to the next poll.
    cursor: dict[str, Any]
    # True when the platform has more events waiting: the poller asks again at once.
    more: bool = False


@dataclass(frozen=True)
class OutgoingReply:
    text: str
    in_reply_to_platform_id: str
    conversation_root_platform_id: str
    is_private: bool
    recipient: Author | None = None
    subject: str = ""
    # Stable across retries of one message: platforms that dedupe requests get it.
    idempotency_key: str = ""
    # When the reply was written (stable across retries), for platforms that want a time.
    created_at: datetime | None = None
    # Platform ids of the thread, oldest first (e-mail References).
    thread_platform_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class SentReply:
    platform_id: str
    url: str = ""


@dataclass(frozen=True)
class ConfigField:
    """One setting of a channel. Secret fields are stored encrypted in Channel.credentials."""

    name: str
    label: str | Promise
    secret: bool = False
    required: bool = True
    help_text: str | Promise = ""
    # How `channel add --set name=value` reads the value: str, int, bool, url (a base URL,
    # trailing slash dropped) or exact_url (kept as given).
    type: str = "str"
    default: Any = None
    # The only values allowed, if the field is a choice.
    choices: tuple[str, ...] = ()
    # A plausible value for the demo channel created by seed_demo.
    example: Any = None


# The channel config key holding the scopes the platform granted (a list of strings).
GRANTED_SCOPES_KEY = "granted_scopes"


class Adapter:
    kind: ClassVar[str]
    label: ClassVar[str | Promise]
    # One line for `channel kinds` and the README: what the kind connects to.
    description: ClassVar[str] = ""
    receives_webhooks: ClassVar[bool] = False
    polls: ClassVar[bool] = False
    # How often Celery beat polls a channel of this kind unless the channel says otherwise.
    default_poll_interval: ClassVar[int] = 120
    # New channels of this kind are monitored (recorded, no SLA) unless created as served.
    monitored_by_default: ClassVar[bool] = False
    # Whether tracked terms (hashtags, keywords, handles) mean anything to this kind.
    tracks_terms: ClassVar[bool] = False
    # False for read-only sources (feeds): a reply is refused before it is queued, and staff
    # answer on the original through its link.
    takes_replies: ClassVar[bool] = True
    # Replies longer than this are refused before sending; None means no platform limit.
    max_reply_length: ClassVar[int | None] = None
    config_fields: ClassVar[tuple[ConfigField, ...]] = ()
    # True when the channel shows the retention notice before the person writes (a form),
    # so the notice is recorded from what was shown, not sent with our first reply.
    shows_notice_before_submission: ClassVar[bool] = False
    # Request headers stored with the raw event (signatures, delivery ids, event types).
    kept_headers: ClassVar[tuple[str, ...]] = ()
    # Media types a webhook delivery may have; anything else is refused with 415 unread.
    webhook_content_types: ClassVar[tuple[str, ...]] = ("application/json",)
    # The OAuth scopes (or platform permissions) this kind needs, each with why, shown beside
    # what the platform granted; what was granted is kept in the channel's config under
    # GRANTED_SCOPES_KEY by whatever connected or refreshed the channel.
    needed_scopes: ClassVar[dict[str, str | Promise]] = {}

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    @classmethod
    def max_delivery_bytes(cls) -> int:
        """The largest webhook delivery this kind accepts; larger ones are refused unread."""
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)

    @property
    def config(self) -> dict[str, Any]:
        """The channel's settings with each field's default filled in."""
        values = {f.name: f.default for f in self.config_fields if not f.secret}
        values.update(self.channel.config or {})
        return values

    def secret(self, name: str) -> str:
        return str((self.channel.credentials or {}).get(name, ""))

    def tracked_terms(self) -> list[str]:
        """The channel's tracked terms with `{year}` templates expanded for today."""
        return expand_terms(self.channel.tracked_terms or [])

    def entry_points(self) -> dict[str, str]:
        """Public addresses of the channel that someone must configure (webhook URL, form)."""
        return {"webhook": self.channel.webhook_url} if self.receives_webhooks else {}

    def handshake(self, request: HttpRequest) -> HttpResponse | None:
        """Answer a platform's subscription check (a GET challenge), or None if it is not one."""
        return None

    def verify_webhook(self, request: HttpRequest) -> None:
        """Raise SignatureError unless the request provably comes from the platform."""
        raise SignatureError(f"{self.label} channels do not receive webhooks.")

    def check_payload(self, body: bytes) -> None:
        """Raise InvalidPayload unless the body has the platform's shape (JSON by default)."""
        load_json_object(body)

    def delivery_id(self, request: HttpRequest) -> str | None:
        """The platform's id for this delivery, used to refuse replays; None if it has none."""
        return None

    def route(self, body: bytes, delivery_id: str | None) -> list[RoutedDelivery]:
        """Split a verified delivery among the channels it belongs to.

        One platform app often has one callback URL for all the accounts it serves (a Meta
        app's pages, a Threads app's users), while each account is its own channel. By default
        the whole delivery belongs to the channel whose URL received it.
        """
        return [RoutedDelivery(channel=self.channel, body=body, delivery_id=delivery_id)]

    def parse(self, event: InboundEvent) -> ParsedEvent:
        raise NotImplementedError

    def parse_event(self, event: InboundEvent) -> ParsedEvent:
        """`parse`, made total: a delivery we cannot read is unsupported with the reason, a
        mention with nothing to read is ignored. Never an error that would retry forever;
        only a failed platform call (AdapterError) is retried."""
        try:
            parsed = self.parse(event)
        except AdapterError:
            raise
        except UNREADABLE as exc:
            return ParsedEvent(
                unsupported_because=f"a delivery in a shape we cannot read: "
                f"{type(exc).__name__}: {exc}"
            )
        return _without_empty_mentions(parsed)

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        raise AdapterError(f"{self.label} channels are not polled.", permanent=True)

    @property
    def can_send_replies(self) -> bool:
        """Whether a reply written in the desk can reach the person on this channel; the
        composer says so before anyone writes when it cannot."""
        return type(self).send_reply is not Adapter.send_reply

    def send_reply(self, reply: OutgoingReply) -> SentReply:
        raise AdapterError(f"{self.label} channels cannot send replies.", permanent=True)

    def find_sent_reply(self, reply: OutgoingReply) -> SentReply | None:
        """Look the reply up on the platform before a retry resends it; None if not found.

        Called only when an earlier attempt may have reached the platform (a crash or timeout
        after sending). Adapters whose platform cannot be asked keep the default and rely on
        the idempotency key.
        """
        return None

    def check_credentials(self) -> str:
        """Return a short description of the account the credentials reach."""
        return "no credentials needed"

    def health_details(self) -> dict[str, str]:
        """Extra facts for channel health (pages, quota used), label -> value. A token's end is
        not one: the health report's TokenFact holds it."""
        return {}

    # -- health checks: the periodic check calls these, the channels page shows the result --

    def required_scopes(self) -> dict[str, str | Promise]:
        """The needed scopes that apply to this channel (some only with an optional account)."""
        return dict(self.needed_scopes)

    def check_permissions(self) -> list[str] | None:
        """Ask the platform which permissions the token holds now; None if it cannot tell."""
        return None

    def check_subscriptions(self) -> SubscriptionCheck | None:
        """Ask the platform whether this channel's webhook subscriptions exist; None if the
        channel has none to check (polled) or the platform cannot be asked."""
        return None

    def quota_today(self) -> QuotaUse | None:
        """Today's use of a daily platform quota, from our own count (no call out)."""
        return None

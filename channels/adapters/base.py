"""What every channel adapter offers the desk.

An adapter verifies webhook requests, turns a raw event into normalized mentions, polls for
new events with a cursor, and sends replies. It never writes to the database itself: the
desk stores raw events and ingests mentions, so every platform shares one durable path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from channels.models import Channel, InboundEvent


class AdapterError(Exception):
    """A platform call failed. Permanent errors disable the channel; transient ones retry."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SignatureError(Exception):
    """A webhook request that is not from the platform: answered 403, never stored."""


class InvalidPayload(Exception):
    """A delivery that is not in the platform's shape: answered 400, never stored."""


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
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedEvent:
    mentions: tuple[Mention, ...] = ()
    # Set when the event is a known kind we deliberately do not ticket (a like, a read receipt).
    ignored_because: str = ""
    # Set when the event type is unknown to us: stored as unsupported, never silently dropped.
    unsupported_because: str = ""


@dataclass(frozen=True)
class RawEvent:
    """A raw event found by polling, stored exactly like a webhook delivery."""

    body: bytes
    delivery_id: str
    content_type: str = "application/json"


@dataclass(frozen=True)
class PollResult:
    events: tuple[RawEvent, ...]
    cursor: dict[str, Any]


@dataclass(frozen=True)
class OutgoingReply:
    text: str
    in_reply_to_platform_id: str
    conversation_root_platform_id: str
    is_private: bool
    recipient: Author | None = None
    subject: str = ""
    idempotency_key: str = ""


@dataclass(frozen=True)
class SentReply:
    platform_id: str
    url: str = ""


@dataclass(frozen=True)
class ConfigField:
    name: str
    label: str
    secret: bool = False
    required: bool = True
    help_text: str = ""


class Adapter:
    kind: ClassVar[str]
    label: ClassVar[str]
    receives_webhooks: ClassVar[bool] = False
    polls: ClassVar[bool] = False
    # Replies longer than this are refused before sending; None means no platform limit.
    max_reply_length: ClassVar[int | None] = None
    config_fields: ClassVar[tuple[ConfigField, ...]] = ()
    # Request headers stored with the raw event (signatures, delivery ids, event types).
    kept_headers: ClassVar[tuple[str, ...]] = ()
    # Media types a webhook delivery may have; anything else is refused with 415 unread.
    webhook_content_types: ClassVar[tuple[str, ...]] = ("application/json",)

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

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

    def parse(self, event: InboundEvent) -> ParsedEvent:
        raise NotImplementedError

    def poll(self, cursor: dict[str, Any]) -> PollResult:
        raise AdapterError(f"{self.label} channels are not polled.", permanent=True)

    def send_reply(self, reply: OutgoingReply) -> SentReply:
        raise AdapterError(f"{self.label} channels cannot send replies.", permanent=True)

    def check_credentials(self) -> str:
        """Return a short description of the account the credentials reach."""
        return "no credentials needed"

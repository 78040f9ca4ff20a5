"""What a rule can ask about a mention, computed only when a rule asks."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from desk.classification.models import ContactBadge
from desk.classification.types import Classification
from tickets.models import Identity, Message


@dataclass
class MentionFacts:
    channel: Any  # a Channel, or None on the dry-run page with a pasted text
    text: str
    classification: Classification
    # The author of an ingested mention; the contact behind it is looked up only if a rule asks.
    author: Any = None
    known_contact_id: int | None = None
    # The message being routed, left out when asking whether its author wrote before.
    message_platform_id: str = ""

    @cached_property
    def contact_id(self) -> int | None:
        if self.known_contact_id is not None or self.author is None:
            return self.known_contact_id
        return contact_id_for(self.channel, self.author)

    @property
    def channel_id(self) -> int | None:
        return getattr(self.channel, "pk", None)

    @property
    def service_level(self) -> str:
        return getattr(self.channel, "service_level", "")

    @cached_property
    def is_known_contact(self) -> bool:
        if self.contact_id is None:
            return False
        earlier = Message.objects.filter(
            author_identity__contact_id=self.contact_id, direction=Message.Direction.INBOUND
        )
        if self.channel is not None and self.message_platform_id:
            earlier = earlier.exclude(channel=self.channel, platform_id=self.message_platform_id)
        return earlier.exists()

    @cached_property
    def badges(self) -> frozenset[str]:
        if self.contact_id is None:
            return frozenset()
        return frozenset(
            ContactBadge.objects.filter(
                contact_id=self.contact_id, status=ContactBadge.Status.CONFIRMED
            ).values_list("kind", flat=True)
        )


def contact_id_for(channel: Any, author: Any) -> int | None:
    """The contact behind a mention's author, if we have seen the account."""
    kind = getattr(author, "kind", "") or getattr(channel, "kind", "")
    return (
        Identity.objects.filter(kind=kind, external_id=author.platform_user_id)
        .values_list("contact_id", flat=True)
        .first()
    )

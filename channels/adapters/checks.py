"""What an adapter can tell channel health by asking its platform: whether the webhook
subscriptions are in place, and how much of a daily quota is spent. Small values, so the
periodic check can store them and the channels page can show them without calling out."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class SubscriptionCheck:
    """The subscriptions a channel needs on its platform, and which of them exist.

    Each entry is a short name a person can look up on the platform ("105101002386405:feed"
    for a page's feed field, "post.mention.create" for an X Activity event type).
    """

    wanted: tuple[str, ...]
    present: tuple[str, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        found = set(self.present)
        return tuple(entry for entry in self.wanted if entry not in found)


@dataclass(frozen=True)
class QuotaUse:
    """Units of a platform's daily quota spent today (the platform's day)."""

    used: int
    limit: int
    # What is counted ("units", "replies") and which day it resets on ("Pacific day").
    unit: str | Promise
    day: str | Promise = ""

    @property
    def percent(self) -> int:
        return round(100 * self.used / self.limit) if self.limit > 0 else 0

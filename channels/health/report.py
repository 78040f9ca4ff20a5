"""What the channels page shows about each channel's health, read from our own records (no
platform call in a request): the token's end, granted against needed permissions, webhook
subscriptions as last checked, the present silence against the usual rhythm, quota today,
and the open conditions. Built for many channels at once in a fixed number of queries
(plus one per channel whose adapter counts a quota)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise

from channels.adapters.checks import QuotaUse
from channels.health.checks import granted_scopes
from channels.health.rhythm import DeliveryRhythm, delivery_rhythms
from channels.models import Channel
from channels.platforms.durations import duration_text
from channels.platforms.models import HealthCondition, PlatformCheck
from channels.platforms.tokens import ExpiringToken


@dataclass(frozen=True)
class TokenFact:
    expires_at: datetime
    refreshable: bool
    now: datetime

    @property
    def days_left(self) -> int:
        return max((self.expires_at - self.now).days, 0)

    @property
    def expired(self) -> bool:
        return self.expires_at <= self.now

    @property
    def soon(self) -> bool:
        """Near its end with nothing to renew it: someone has to connect the account again."""
        return not self.refreshable and (self.expires_at - self.now).days < settings.TOKEN_WARN_DAYS


@dataclass(frozen=True)
class ScopeFact:
    name: str
    why: str | Promise
    # None when nobody could tell yet what the platform granted.
    granted: bool | None


@dataclass(frozen=True)
class PermissionsFact:
    scopes: tuple[ScopeFact, ...]
    known: bool
    checked_at: datetime | None

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(scope.name for scope in self.scopes if scope.granted is False)


@dataclass(frozen=True)
class SubscriptionsFact:
    wanted: tuple[str, ...]
    present: tuple[str, ...]
    checked_at: datetime

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(entry for entry in self.wanted if entry not in set(self.present))


@dataclass(frozen=True)
class RhythmFact:
    rhythm: DeliveryRhythm
    now: datetime

    @property
    def last_at(self) -> datetime | None:
        return self.rhythm.last_at

    @property
    def silence(self) -> str:
        gap = self.rhythm.silence(self.now)
        return duration_text(gap.total_seconds()) if gap is not None else ""

    @property
    def usual(self) -> str:
        known = self.rhythm.known and self.rhythm.usual_seconds is not None
        return duration_text(self.rhythm.usual_seconds or 0) if known else ""

    @property
    def quiet(self) -> bool:
        return self.rhythm.is_quiet(self.now)


@dataclass(frozen=True)
class ChannelHealthReport:
    token: TokenFact | None = None
    permissions: PermissionsFact | None = None
    subscriptions: SubscriptionsFact | None = None
    # Why the last platform check could not ask (empty when it could).
    check_error: str = ""
    rhythm: RhythmFact | None = None
    quota: QuotaUse | None = None
    conditions: tuple[HealthCondition, ...] = field(default_factory=tuple)


def health_reports(
    channels: Sequence[Channel], *, now: datetime | None = None
) -> dict[int, ChannelHealthReport]:
    now = now or timezone.now()
    ids = [channel.pk for channel in channels]
    rhythms = delivery_rhythms(ids)
    checks = {check.channel_id: check for check in PlatformCheck.objects.filter(channel__in=ids)}
    conditions: dict[int, list[HealthCondition]] = {}
    for condition in HealthCondition.objects.filter(channel__in=ids, cleared_at__isnull=True):
        conditions.setdefault(condition.channel_id, []).append(condition)
    return {
        channel.pk: _report(
            channel,
            rhythm=rhythms[channel.pk],
            check=checks.get(channel.pk),
            conditions=conditions.get(channel.pk, []),
            now=now,
        )
        for channel in channels
    }


def _report(
    channel: Channel,
    *,
    rhythm: DeliveryRhythm,
    check: PlatformCheck | None,
    conditions: list[HealthCondition],
    now: datetime,
) -> ChannelHealthReport:
    adapter = channel.adapter()
    token = None
    if isinstance(adapter, ExpiringToken) and (expires_at := adapter.token_expires_at()):
        token = TokenFact(expires_at=expires_at, refreshable=adapter.can_refresh_token(), now=now)
    permissions = None
    if needed := adapter.required_scopes():
        granted = granted_scopes(channel)
        permissions = PermissionsFact(
            scopes=tuple(
                ScopeFact(name, why, None if granted is None else name in granted)
                for name, why in needed.items()
            ),
            known=granted is not None,
            checked_at=check.permissions_checked_at if check else None,
        )
    subscriptions = None
    if check is not None and check.subscriptions_wanted is not None:
        subscriptions = SubscriptionsFact(
            wanted=tuple(check.subscriptions_wanted),
            present=tuple(check.subscriptions_present or ()),
            checked_at=check.checked_at,
        )
    pushed = adapter.receives_webhooks or adapter.config.get("realtime") or rhythm.last_at
    return ChannelHealthReport(
        token=token,
        permissions=permissions,
        subscriptions=subscriptions,
        check_error=check.error if check else "",
        rhythm=RhythmFact(rhythm=rhythm, now=now) if pushed else None,
        quota=adapter.quota_today(),
        conditions=tuple(conditions),
    )

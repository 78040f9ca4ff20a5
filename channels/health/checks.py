"""The periodic health checks (run by channels.tasks on Celery beat). Each turns what it finds
into health conditions (channels.platforms.conditions): a problem warns staff once when it
appears and is announced as resolved when it goes away.

- `check_channel_health`: token lifetimes (channels.platforms.tokens), then for each active
  channel the permissions the platform granted against those it needs, and its webhook
  subscriptions; what the platform said is stored for the channels page.
- `check_delivery_rhythm`: a webhook or stream channel silent for longer than usual
  (channels.health.rhythm, relearning each channel's rhythm hourly); no platform call, so it
  runs every few minutes.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.utils import timezone

from channels.adapters.base import GRANTED_SCOPES_KEY
from channels.errors import AdapterError
from channels.health.rhythm import delivery_rhythms, learn_rhythms
from channels.models import Channel
from channels.platforms.conditions import Code, Finding, Reconciled, reconcile
from channels.platforms.models import HealthCondition, PlatformCheck
from channels.platforms.tokens import check_token_lifetimes, store_credentials

log = logging.getLogger(__name__)

PLATFORM_CODES = (Code.MISSING_PERMISSIONS, Code.MISSING_SUBSCRIPTION, Code.CHECK_FAILED)


def granted_scopes(channel: Channel) -> list[str] | None:
    """What the platform granted, as last recorded; None when nobody could tell yet."""
    granted = (channel.config or {}).get(GRANTED_SCOPES_KEY)
    return [str(scope) for scope in granted] if isinstance(granted, list) else None


def missing_scopes(adapter: Any, granted: list[str] | None) -> list[str]:
    if granted is None:
        return []
    return [scope for scope in adapter.required_scopes() if scope not in set(granted)]


def check_channel_health() -> dict[str, int]:
    counts = check_token_lifetimes()
    counts.update(opened=0, cleared=0, unreachable=0)
    for channel in Channel.objects.filter(is_active=True).order_by("pk"):
        try:
            outcome = check_platform_side(channel)
        except AdapterError as exc:
            log.warning("health check of channel %s failed: %s", channel.pk, exc)
            counts["unreachable"] += 1
            continue
        counts["opened"] += len(outcome.opened)
        counts["cleared"] += len(outcome.cleared)
    return counts


def check_platform_side(channel: Channel) -> Reconciled:
    """Ask the platform about permissions and subscriptions, store the answer, and reconcile
    the conditions. A refusal for good (a revoked app, a dead token) is a condition itself;
    a passing failure (a timeout) leaves the conditions as they were and is raised."""
    adapter = channel.adapter()
    now = timezone.now()
    try:
        granted_now = adapter.check_permissions()
        subscriptions = adapter.check_subscriptions()
    except AdapterError as exc:
        PlatformCheck.objects.update_or_create(
            channel=channel, defaults={"checked_at": now, "error": str(exc)[:2000]}
        )
        if not exc.permanent:
            raise
        refused = Finding(
            code=Code.CHECK_FAILED, key="", params={"name": channel.name, "error": str(exc)}
        )
        return reconcile(channel=channel, codes=[Code.CHECK_FAILED], findings=[refused])
    stored: dict[str, Any] = {"checked_at": now, "error": ""}
    if granted_now is not None:
        stored["permissions_checked_at"] = now
        if granted_now != granted_scopes(channel):
            store_credentials(
                channel=channel, credentials={}, config={GRANTED_SCOPES_KEY: granted_now}
            )
    stored["subscriptions_wanted"] = list(subscriptions.wanted) if subscriptions else None
    stored["subscriptions_present"] = list(subscriptions.present) if subscriptions else None
    PlatformCheck.objects.update_or_create(channel=channel, defaults=stored)
    findings = []
    if missing := missing_scopes(adapter, granted_scopes(channel)):
        findings.append(
            Finding(
                code=Code.MISSING_PERMISSIONS,
                key=",".join(sorted(missing)),
                params={"name": channel.name, "missing": ", ".join(missing), "scopes": missing},
            )
        )
    if subscriptions is not None and subscriptions.missing:
        findings.append(
            Finding(
                code=Code.MISSING_SUBSCRIPTION,
                key=",".join(subscriptions.missing),
                params={"name": channel.name, "missing": ", ".join(subscriptions.missing)},
            )
        )
    return reconcile(channel=channel, codes=PLATFORM_CODES, findings=findings, now=now)


def check_delivery_rhythm(*, now: datetime | None = None, relearn: bool = False) -> dict[str, int]:
    now = now or timezone.now()
    channels = list(Channel.objects.filter(is_active=True).order_by("pk"))
    learnt = learn_rhythms([channel.pk for channel in channels], now=now, force=relearn)
    rhythms = delivery_rhythms([channel.pk for channel in channels])
    already_quiet = set(
        HealthCondition.objects.filter(code=Code.QUIET, cleared_at__isnull=True).values_list(
            "channel_id", flat=True
        )
    )
    counts = {"learnt": learnt, "quiet": 0, "opened": 0, "cleared": 0}
    for channel in channels:
        rhythm = rhythms[channel.pk]
        findings = []
        if rhythm.is_quiet(now) and rhythm.last_at and rhythm.usual_seconds:
            counts["quiet"] += 1
            findings.append(
                Finding(
                    code=Code.QUIET,
                    # The same silence is the same condition; a new delivery ends it.
                    key=rhythm.last_at.isoformat(),
                    params={
                        "name": channel.name,
                        "silence_seconds": (now - rhythm.last_at).total_seconds(),
                        "usual_seconds": rhythm.usual_seconds,
                    },
                )
            )
        elif channel.pk not in already_quiet:
            continue
        outcome = reconcile(channel=channel, codes=[Code.QUIET], findings=findings, now=now)
        counts["opened"] += len(outcome.opened)
        counts["cleared"] += len(outcome.cleared)
    return counts

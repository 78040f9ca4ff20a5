"""Health conditions: what a periodic check found wrong with a channel, kept open until the
check no longer finds it. Each opening warns staff once (through the channel_alert hook);
each clearing is recorded and tells them it is over. A check that runs every few minutes
therefore warns once per problem, not once per run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from channels.hooks import ChannelAlert, channel_alert
from channels.models import Channel
from channels.platforms.models import HealthCondition

Code = HealthCondition.Code


@dataclass(frozen=True)
class Finding:
    """One problem a check found now. The key says what exactly (an expiry date, the missing
    permissions): the same key as the open condition is the same problem, still there. The
    params are what its title and body are written from (HealthCondition.title)."""

    code: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reconciled:
    opened: tuple[HealthCondition, ...] = ()
    cleared: tuple[HealthCondition, ...] = ()


def reconcile(
    *,
    channel: Channel,
    codes: Iterable[str],
    findings: Iterable[Finding],
    now: datetime | None = None,
) -> Reconciled:
    """Bring the channel's open conditions of these codes in line with what a check found:
    open (and warn about) the new ones, clear (and announce) the ones no longer found.
    Codes the check did not look at are left as they are."""
    now = now or timezone.now()
    found = {finding.code: finding for finding in findings}
    codes = set(codes) | set(found)
    opened, cleared = [], []
    with transaction.atomic():
        current = {
            condition.code: condition
            for condition in HealthCondition.objects.select_for_update().filter(
                channel=channel, code__in=codes, cleared_at__isnull=True
            )
        }
        for code in sorted(codes):
            finding, condition = found.get(code), current.get(code)
            if condition is not None and finding is not None and finding.key == condition.key:
                HealthCondition.objects.filter(pk=condition.pk).update(last_seen_at=now)
                continue
            if condition is not None:
                _clear(condition, now=now, announce=finding is None)
                cleared.append(condition)
            if finding is not None and (new := _open(channel, finding, now=now)) is not None:
                opened.append(new)
    return Reconciled(opened=tuple(opened), cleared=tuple(cleared))


def _open(channel: Channel, finding: Finding, *, now: datetime) -> HealthCondition | None:
    try:
        with transaction.atomic():
            condition = HealthCondition.objects.create(
                channel=channel,
                code=finding.code,
                key=finding.key[:200],
                params=finding.params,
                opened_at=now,
                last_seen_at=now,
            )
    except IntegrityError:
        return None  # a concurrent run opened it first, and warned
    # Written in each recipient's language when the notification is made.
    channel_alert(
        ChannelAlert(
            channel=channel,
            code=finding.code,
            title=condition.title,
            body=condition.body,
            dedupe_key=f"health:{condition.pk}",
        )
    )
    return condition


def _clear(condition: HealthCondition, *, now: datetime, announce: bool) -> None:
    HealthCondition.objects.filter(pk=condition.pk).update(cleared_at=now)
    condition.cleared_at = now
    if not announce:
        return  # replaced by a different finding of the same kind, which warns itself
    channel_alert(
        ChannelAlert(
            channel=condition.channel,
            code=f"{condition.code}_cleared",
            title=partial(_resolved, condition),
            dedupe_key=f"health:{condition.pk}:cleared",
        )
    )


def _resolved(condition: HealthCondition) -> str:
    return _("Resolved: %(title)s") % {"title": condition.title()}

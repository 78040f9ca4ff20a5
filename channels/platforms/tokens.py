"""Access tokens that expire: stored refreshed tokens, and the periodic check that refreshes a
token before it runs out or warns staff once (and disables the channel once it has run out);
the warning is a health condition, cleared when the token is renewed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from channels.errors import AdapterError
from channels.models import Channel
from channels.platforms.conditions import Code, Finding, reconcile

log = logging.getLogger(__name__)


class ExpiringToken:
    """Mixin for adapters whose long-lived token has a known end."""

    def token_expires_at(self) -> datetime | None:
        raise NotImplementedError

    def can_refresh_token(self) -> bool:
        return False

    def refresh_token_now(self) -> None:
        """Get a fresh long-lived token and store it (store_credentials); raise AdapterError."""
        raise AdapterError("This platform's tokens cannot be refreshed.", permanent=True)


def store_credentials(
    *, channel: Channel, credentials: dict[str, Any], config: dict[str, Any] | None = None
) -> None:
    """Save refreshed tokens at once: a rotated refresh token lost is a channel lost."""
    with transaction.atomic():
        locked = Channel.objects.select_for_update().get(pk=channel.pk)
        locked.credentials = {**locked.credentials, **credentials}
        locked.config = {**locked.config, **(config or {})}
        locked.save(update_fields=["credentials", "config"])
    channel.credentials = locked.credentials
    channel.config = locked.config


def parse_expiry(value: Any) -> datetime | None:
    """A `token_expires_at` setting: an ISO date or date-time; None if unset or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else timezone.make_aware(moment)


def check_token_lifetimes() -> dict[str, int]:
    """Refresh tokens nearing their end, warn when that is impossible, disable expired ones."""
    counts = {"refreshed": 0, "warned": 0, "disabled": 0, "failed": 0}
    warn_before = timedelta(days=settings.TOKEN_WARN_DAYS)
    now = timezone.now()
    for channel in Channel.objects.filter(is_active=True):
        adapter = channel.adapter()
        if not isinstance(adapter, ExpiringToken):
            continue
        expires_at = adapter.token_expires_at()
        if expires_at is None or expires_at - now > warn_before:
            # A token renewed since the last warning: the condition clears.
            reconcile(channel=channel, codes=[Code.TOKEN_EXPIRING], findings=())
            continue
        if adapter.can_refresh_token():
            try:
                adapter.refresh_token_now()
            except AdapterError as exc:
                log.warning("refreshing the token of channel %s failed: %s", channel.pk, exc)
                if exc.disables_channel:
                    _disable(
                        channel,
                        gettext_noop("The token could not be refreshed: %(error)s"),
                        error=str(exc),
                    )
                    counts["disabled"] += 1
                    continue
                # A refresh token outlives the access token: a platform that is down now
                # is asked again at the next check, and the channel renews on a 401 itself.
                counts["failed"] += 1
                continue
            else:
                reconcile(channel=channel, codes=[Code.TOKEN_EXPIRING], findings=())
                counts["refreshed"] += 1
                continue
        if expires_at <= now:
            _disable(
                channel,
                gettext_noop(
                    "The access token expired on %(expired_on)s. Connect the account again "
                    "from /channels/connect/, or set the new token (`manage.py channel set "
                    "%(name)s --set access_token=... --set token_expires_at=...`) and enable "
                    "the channel."
                ),
                expired_on=f"{expires_at:%Y-%m-%d}",
                name=channel.name,
            )
            counts["disabled"] += 1
            continue
        day = format(expires_at, "%Y-%m-%d")
        finding = Finding(
            code=Code.TOKEN_EXPIRING,
            key=day,
            params={"name": channel.name, "expires_at": day},
        )
        reconcile(channel=channel, codes=[Code.TOKEN_EXPIRING], findings=[finding])
        counts["warned"] += 1
    return counts


def _disable(channel: Channel, reason: str, **params: str) -> None:
    """`reason` is marked for translation and read in the reader's language (why_disabled);
    the last error keeps the facts in English, as the platforms' own errors are."""
    Channel.objects.filter(pk=channel.pk).disable(
        reason, params=params, last_error=reason % params, last_error_at=timezone.now()
    )

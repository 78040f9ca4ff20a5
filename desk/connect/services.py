"""Writes of the connect flow: the grant awaiting review, channels made from it, their
subscriptions, and disconnection with revocation."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_noop

from channels import crypto
from channels.adapters.base import GRANTED_SCOPES_KEY
from channels.errors import AdapterError
from channels.health.checks import missing_scopes
from channels.models import Channel
from channels.platforms.tokens import store_credentials
from desk.connect.platforms import connector_for
from desk.connect.platforms.base import Account, Grant

log = logging.getLogger(__name__)

PENDING_KEY = "connect_pending"
# How long a grant waits in the session for the administrator to pick accounts.
PENDING_SECONDS = 900
# The config key where the connection's webhook or subscription state is kept.
SUBSCRIPTION_KEY = "subscription"
# The config key naming the platform account a channel serves, so a second connection of
# the same account renews that channel instead of making another.
ACCOUNT_KEY = "connected_account"


def keep_pending(request: HttpRequest, *, kind: str, grant: Grant) -> None:
    """Hold the grant (tokens included, encrypted) until the administrator confirms it."""
    request.session[PENDING_KEY] = crypto.encrypt(
        {
            "kind": kind,
            "granted": list(grant.granted),
            "choose": grant.choose,
            "accounts": [asdict(account) for account in grant.accounts],
            "until": time.time() + PENDING_SECONDS,
        }
    )


def pending(request: HttpRequest) -> tuple[str, Grant] | None:
    sealed = request.session.get(PENDING_KEY)
    if not sealed:
        return None
    held = crypto.decrypt(sealed)
    if held["until"] < time.time():
        request.session.pop(PENDING_KEY, None)
        return None
    grant = Grant(
        accounts=[Account(**account) for account in held["accounts"]],
        granted=tuple(held["granted"]),
        choose=held["choose"],
    )
    return held["kind"], grant


def drop_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def _free_name(wanted: str) -> str:
    name, n = wanted[:100], 2
    while Channel.objects.filter(name=name).exists():
        suffix = f" ({n})"
        name, n = wanted[: 100 - len(suffix)] + suffix, n + 1
    return name


@transaction.atomic
def connect_accounts(
    *, kind: str, grant: Grant, account_ids: list[str], actor: Any
) -> list[Channel]:
    """One channel per chosen account, its tokens encrypted; renewed if it already exists.

    A grant missing a permission socialdesk needs makes the channel inactive, with the
    missing permissions as the reason: connected, but not pretending to work.
    """
    label = Channel._meta.get_field("kind").choices
    kind_label = dict(label or []).get(kind, kind)
    made = []
    for account in grant.accounts:
        if account.id not in account_ids:
            continue
        config = {
            **account.config,
            GRANTED_SCOPES_KEY: list(grant.granted),
            ACCOUNT_KEY: account.id,
            "connected_by": getattr(actor, "username", ""),
            "connected_at": timezone.now().isoformat(timespec="seconds"),
        }
        channel = (
            Channel.objects.select_for_update()
            .filter(kind=kind, **{f"config__{ACCOUNT_KEY}": account.id})
            .first()
        )
        if channel is None:
            channel = Channel(kind=kind, name=_free_name(f"{kind_label} {account.name}"))
            if channel.adapter().monitored_by_default:
                channel.service_level = Channel.ServiceLevel.MONITORED
        else:
            config = {**channel.config, **config}
        channel.config = config
        channel.credentials = {**(channel.credentials or {}), **account.credentials}
        # What this account's channel needs (a page without Instagram needs no Instagram
        # permission), as channel health checks it later.
        missing = missing_scopes(channel.adapter(), list(grant.granted))
        channel.is_active = not missing
        channel.disabled_reason = (
            gettext_noop("The platform did not grant: %(missing)s. Connect again and allow them.")
            if missing
            else ""
        )
        channel.disabled_reason_params = {"missing": ", ".join(missing)} if missing else {}
        channel.save()
        made.append(channel)
    return made


def subscribe(*, channel_id: int) -> str:
    """Register the channel's webhook or subscription; the outcome is kept in its config."""
    channel = Channel.objects.get(pk=channel_id)
    connector = connector_for(channel.kind)
    if connector is None:
        return "not connected here"
    try:
        detail = connector.subscribe(channel)
        state = "subscribed"
    except AdapterError as exc:
        log.warning("subscribing channel %s failed: %s", channel.pk, exc)
        detail, state = str(exc), "failed"
    channel.refresh_from_db()
    store_credentials(
        channel=channel,
        credentials={},
        config={
            SUBSCRIPTION_KEY: {
                "state": state,
                "detail": detail[:500],
                "at": timezone.now().isoformat(timespec="seconds"),
            }
        },
    )
    return state


def disconnect(*, channel: Channel, actor: Any) -> str:
    """Revoke the platform's grant, erase the tokens and stop the channel.

    The channel row stays, with its conversations; a revocation the platform refuses (or
    cannot be asked for) does not stop the removal, and is recorded with the reason.
    """
    connector = connector_for(channel.kind)
    try:
        if connector is None:
            raise AdapterError("This kind is not connected from the browser.", permanent=True)
        connector.revoke(channel)
        outcome = {"state": "revoked"}
    except AdapterError as exc:
        log.warning("revoking channel %s failed: %s", channel.pk, exc)
        outcome = {"state": "failed", "detail": str(exc)[:500]}
    when = timezone.now()
    outcome["at"] = when.isoformat(timespec="seconds")
    who = getattr(actor, "username", "")
    params = {"user": who, "when": f"{when:%Y-%m-%d %H:%M} UTC"}
    if outcome["state"] == "revoked":
        reason = gettext_noop("Removed by %(user)s on %(when)s; the platform's grant was revoked.")
    else:
        reason = gettext_noop(
            "Removed by %(user)s on %(when)s; revoking the grant failed (%(error)s): revoke it "
            "on the platform."
        )
        params["error"] = str(outcome["detail"])
    with transaction.atomic():
        locked = Channel.objects.select_for_update().get(pk=channel.pk)
        locked.credentials = {}
        locked.config = {**locked.config, "revocation": outcome, SUBSCRIPTION_KEY: {}}
        locked.is_active = False
        locked.disabled_reason, locked.disabled_reason_params = reason, params
        locked.save(
            update_fields=[
                "credentials",
                "config",
                "is_active",
                "disabled_reason",
                "disabled_reason_params",
            ]
        )
    return str(outcome["state"])

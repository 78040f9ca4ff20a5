"""Routing one app's webhook deliveries to the channel of each account they concern.

Meta (Pages, Instagram) and Threads send every event of one app to one callback URL, while
a company keeps each page or account as its own channel (its own queue, service level and
team). The channel whose URL received the delivery splits it by account id and hands each
part to the channel serving that account — but only to channels of the same app: the part's
signature was checked with this channel's app secret, so a channel with another secret is
never trusted to receive it. Parts for accounts no channel serves stay with the receiving
channel, where they are recorded as ignored, never dropped.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from channels.adapters.base import RoutedDelivery

if TYPE_CHECKING:
    from channels.adapters.base import Adapter


def same_app_adapters(adapter: Adapter, *, credential_field: str) -> list[Any]:
    """Active channels of the adapter's kind sharing its app secret, the adapter first."""
    from channels.models import Channel

    secret = adapter.secret(credential_field).encode()
    siblings = [adapter]
    for channel in Channel.objects.filter(kind=adapter.kind, is_active=True).exclude(
        pk=adapter.channel.pk
    ):
        other = channel.adapter()
        if secret and hmac.compare_digest(other.secret(credential_field).encode(), secret):
            siblings.append(other)
    return siblings


def split_entries(
    adapter: Adapter,
    *,
    entries: list[Any],
    account_of: Callable[[Any], str],
    serves: Callable[[Any, str], bool],
    credential_field: str,
    rebuild: Callable[[list[Any]], bytes],
    body: bytes,
    delivery_id: str | None,
) -> list[RoutedDelivery]:
    """Group entries by the channel serving their account; one part per channel."""
    if all(serves(adapter, account_of(entry)) for entry in entries):
        return [RoutedDelivery(channel=adapter.channel, body=body, delivery_id=delivery_id)]
    candidates = same_app_adapters(adapter, credential_field=credential_field)
    groups: dict[int, tuple[Any, list[Any]]] = {}
    for entry in entries:
        account = account_of(entry)
        owner = next((a for a in candidates if serves(a, account)), adapter)
        groups.setdefault(owner.channel.pk, (owner, []))[1].append(entry)
    if len(groups) == 1 and adapter.channel.pk in groups:
        return [RoutedDelivery(channel=adapter.channel, body=body, delivery_id=delivery_id)]
    parts = []
    for owner, owned in groups.values():
        part = rebuild(owned)
        # The split is deterministic, so a retried delivery yields the same part ids.
        part_id = "sha256:" + hashlib.sha256(part).hexdigest()
        parts.append(RoutedDelivery(channel=owner.channel, body=part, delivery_id=part_id))
    return parts

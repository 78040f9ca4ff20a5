"""Typed hooks through which the channels layer tells the desk above it what happened.

Channels must not import the desk (see docs/architecture.md), yet a stored event has to reach
the desk's processing, and a token about to expire has to reach someone's notifications. The
desk connects its receivers here once, in its app configs' `ready()`; channels call the hook
and never learn who listens. A hook with no receiver does nothing, which is what tests of the
channels layer alone want.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tickets.hooks import Hook

if TYPE_CHECKING:
    from channels.models import Channel


@dataclass(frozen=True)
class ChannelAlert:
    """Something about a channel that staff must act on before it stops working."""

    channel: Channel
    # A stable code ("token_expiring", "token_expired", ...) and a human sentence; a callable
    # is called in each recipient's language.
    code: str
    title: str | Callable[[], str]
    body: str | Callable[[], str] = ""
    # One alert per key: a check that runs every few hours alerts once.
    dedupe_key: str = ""


# Called with the id of a stored, pending inbound event once its transaction has committed.
event_stored: Hook[[int], object] = Hook("event_stored")
# Called with an alert about a channel (inside the caller's transaction).
channel_alert: Hook[[ChannelAlert], None] = Hook("channel_alert")
# Called with the id of an outbound message the platform accepted, inside the transaction
# that marks it sent: a response counts from the moment the platform took it.
reply_delivered: Hook[[int], None] = Hook("reply_delivered")
# Called with the id of an outbound message whose delivery attempt failed, inside the
# transaction that records it: for good (delivery_state "failed") or to be retried ("queued").
reply_failed: Hook[[int], None] = Hook("reply_failed")

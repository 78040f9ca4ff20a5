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

if TYPE_CHECKING:
    from channels.models import Channel


class Hook[**P]:
    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[P, None]] = []

    def connect(self, receiver: Callable[P, None]) -> Callable[P, None]:
        """Add a receiver (once, however often `ready()` runs); usable as a decorator."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Callable[P, None]) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for receiver in tuple(self._receivers):
            receiver(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"


@dataclass(frozen=True)
class ChannelAlert:
    """Something about a channel that staff must act on before it stops working."""

    channel: Channel
    # A stable code ("token_expiring", "token_expired", ...) and a human sentence.
    code: str
    title: str
    body: str = ""
    # One alert per key: a check that runs every few hours alerts once.
    dedupe_key: str = ""


# Called with the id of a stored, pending inbound event once its transaction has committed.
event_stored: Hook[[int]] = Hook("event_stored")
# Called with an alert about a channel (inside the caller's transaction).
channel_alert: Hook[[ChannelAlert]] = Hook("channel_alert")
# Called with the id of an outbound message the platform accepted, inside the transaction
# that marks it sent: a response counts from the moment the platform took it.
reply_delivered: Hook[[int]] = Hook("reply_delivered")
# Called with the id of an outbound message whose delivery attempt failed, inside the
# transaction that records it: for good (delivery_state "failed") or to be retried ("queued").
reply_failed: Hook[[int]] = Hook("reply_failed")

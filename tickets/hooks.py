"""Typed hooks: how the spine lets the layers above it take part in a change.

The tickets package sits at the bottom (docs/architecture.md) and imports nothing above it;
yet a status change must pause or resume SLA clocks in the same save. A layer above connects
a receiver once, in its app config's `ready()`; the spine calls the hook and collects what the
receivers return.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tickets.models import Ticket


class Hook[**P, R]:
    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[P, R]] = []

    def connect(self, receiver: Callable[P, R]) -> Callable[P, R]:
        """Add a receiver (once, however often `ready()` runs); usable as a decorator."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Callable[P, R]) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        return [receiver(*args, **kwargs) for receiver in tuple(self._receivers)]

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"


# A ticket's status is changing (not yet saved): (ticket, old status, instant) -> the names of
# further fields the receiver changed, saved in the same UPDATE.
status_changing: Hook[[Ticket, str, datetime], list[str]] = Hook("status_changing")
# A ticket's priority is changing (not yet saved): (ticket,) -> further fields changed.
priority_changing: Hook[[Ticket], list[str]] = Hook("priority_changing")

"""Service-level due times for tickets.

First version: the first response is due 24 hours after the mention arrived. The
business-hours engine (calendars, policies, pauses) replaces this module's internals and
keeps `apply_initial_targets`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tickets.models import Ticket

FIRST_RESPONSE_TARGET = timedelta(hours=24)


def apply_initial_targets(ticket: Ticket) -> None:
    """Set the due times of a ticket being created (before it is saved)."""
    ticket.first_response_due_at = ticket.created_at + FIRST_RESPONSE_TARGET

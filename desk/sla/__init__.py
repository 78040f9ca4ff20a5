"""Service levels: due times and SLA states from policy + calendar + ticket timestamps.

The hooks below are what the rest of the desk calls; they import lazily because this
package is also a Django app and is imported before the models are ready.

Clocks of a ticket (each counted in business time of its policy's calendar):
- first response: from creation to the first public or holding reply;
- next response: from a customer message after our reply (or a reopening) to our next reply;
- resolution (optional): from creation to resolution;
- follow-up: from a holding reply to the answer it promised.
A reply counts when the platform accepted it, not when it was queued.
Waiting on the customer pauses them; the paused business time moves their due times.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desk.sla.selectors import SlaStatus
    from tickets.models import Ticket


def apply_initial_targets(ticket: Ticket) -> None:
    """Set the policy and due times of a ticket being created (before it is saved)."""
    from desk.sla.clocks import apply_initial_targets as apply

    apply(ticket)


def record_response(*, ticket: Ticket, at: datetime, holding: bool = False) -> None:
    """A public or holding reply was accepted by the platform at `at`: it meets the running
    response clock (desk.sla.delivery calls this when the channel reports the delivery)."""
    from desk.sla.clocks import record_response as record

    record(ticket=ticket, at=at, holding=holding)


def record_customer_message(*, ticket: Ticket, at: datetime) -> None:
    """The customer wrote again: a next-response clock starts unless one is running."""
    from desk.sla.clocks import record_customer_message as record

    record(ticket=ticket, at=at)


def on_status_change(*, ticket: Ticket, old: str, at: datetime) -> list[str]:
    """Pause, resume, stop or restart clocks for a status change; returns changed fields."""
    from desk.sla.clocks import on_status_change as change

    return change(ticket=ticket, old=old, at=at)


def on_priority_change(*, ticket: Ticket) -> list[str]:
    """The ticket's priority changed (not yet saved): returns the SLA fields to save with it."""
    from desk.sla.clocks import on_priority_change as change

    return change(ticket=ticket)


def sla_status(ticket: Ticket, *, now: datetime | None = None) -> SlaStatus:
    """The ticket's SLA state, due time and business time left (see desk.sla.selectors)."""
    from desk.sla.selectors import sla_status as status

    return status(ticket, now=now)

"""Who else is on a ticket, refreshed by each open page."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from desk.triage.models import TicketPresence
from tickets.models import Ticket

# A page refreshes its presence every 10 s; three missed beats and the person has left.
PRESENCE_WINDOW = timedelta(seconds=35)


def touch_presence(*, ticket: Ticket, user: Any, composing: bool) -> None:
    TicketPresence.objects.update_or_create(
        ticket=ticket,
        user=user,
        defaults={"last_seen_at": timezone.now(), "is_composing": composing},
    )


def others_present(
    *, ticket: Ticket, user: Any, now: datetime | None = None
) -> list[TicketPresence]:
    since = (now or timezone.now()) - PRESENCE_WINDOW
    return list(
        TicketPresence.objects.filter(ticket=ticket, last_seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__username")
    )


def leave(*, ticket: Ticket, user: Any) -> None:
    TicketPresence.objects.filter(ticket=ticket, user=user).delete()

"""Reads for the crisis banner and the incident page."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from django.utils import timezone

from desk.classification.models import Incident, NegativeMention


@dataclass(frozen=True)
class MentionRow:
    message_id: int
    ticket_id: int | None
    channel: str
    author: str
    text: str
    at: datetime
    # Minutes from the mention to our first response; None while unanswered.
    response_minutes: float | None
    waiting_minutes: float | None


@dataclass(frozen=True)
class MentionGroup:
    channel: str
    rows: list[MentionRow]


def open_incidents() -> list[Incident]:
    return list(Incident.objects.filter(status=Incident.Status.OPEN).order_by("-opened_at")[:5])


def mention_count(incident: Incident) -> int:
    return NegativeMention.objects.filter(incident=incident).count()


def incident_mentions(incident: Incident, *, limit: int = 500) -> list[MentionGroup]:
    """The incident's mentions grouped by channel, each with its time to first response."""
    now = timezone.now()
    rows = []
    mentions = (
        NegativeMention.objects.filter(incident=incident)
        .select_related("message__channel", "message__author_identity", "ticket")
        .order_by("message__channel__name", "at")[:limit]
    )
    for mention in mentions:
        message, ticket = mention.message, mention.ticket
        responded = ticket.first_responded_at if ticket is not None else None
        identity = message.author_identity
        rows.append(
            MentionRow(
                message_id=message.pk,
                ticket_id=ticket.pk if ticket else None,
                channel=message.channel.name,
                author=(identity.display_name or identity.handle) if identity else "",
                text=message.text,
                at=message.created_at,
                response_minutes=_minutes(responded - message.created_at) if responded else None,
                waiting_minutes=None if responded else _minutes(now - message.created_at),
            )
        )
    return [
        MentionGroup(channel=name, rows=list(group))
        for name, group in groupby(rows, key=lambda row: row.channel)
    ]


def median_response_minutes(groups: list[MentionGroup]) -> float | None:
    answered = [
        r.response_minutes for g in groups for r in g.rows if r.response_minutes is not None
    ]
    return round(statistics.median(answered), 1) if answered else None


def _minutes(delta: object) -> float:
    return round(max(0.0, delta.total_seconds()) / 60, 1)  # type: ignore[attr-defined]

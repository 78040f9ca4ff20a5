"""What each figure counts, as one predicate over tickets.

The rollups count these predicates per day and key; the drill-down lists the tickets matching
the same predicate. So a number and the list behind it cannot disagree.

First-response compliance follows the SLA engine (desk.sla): a ticket counts once it has a
policy (served channel) and is not a netiquette violation. It is *met* when it was answered
(the platform accepted the reply), or resolved without an answer, before its due time;
*breached* at the instant its due time passes, answered or not (the engine's flag, or still
unanswered and overdue at `now`); *waiting* while it is still open and unanswered within its
time. So the predicates take the instant they are evaluated at.
Netiquette-ignored tickets and monitored-only mentions are counted apart, never inside the
percentages.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket

Status = Ticket.Status
DONE = (Status.RESOLVED, Status.CLOSED)
SENTIMENTS = ("positive", "neutral", "negative")

ELIGIBLE = Q(sla_policy__isnull=False) & ~Q(status=Status.IGNORED)
RESPONDED = ELIGIBLE & Q(first_response_seconds__isnull=False)

RUNNING = (Status.NEW, Status.OPEN)
FLAGGED = (
    Q(first_response_breached=True)
    | Q(next_response_breached=True)
    | Q(resolution_breached=True)
    | Q(follow_up_breached=True)
)


def first_response_overdue(now: datetime) -> Q:
    """Unanswered with the clock running past its due time: breached already."""
    return Q(status__in=RUNNING, first_responded_at__isnull=True, first_response_due_at__lte=now)


def counters(now: datetime) -> dict[str, Q]:
    """Each figure's predicate at the instant `now`."""
    overdue = first_response_overdue(now)
    return {
        "tickets": Q(pk__isnull=False),
        "ignored": Q(status=Status.IGNORED),
        "sla": ELIGIBLE,
        "met": ELIGIBLE
        & Q(first_response_breached=False)
        & (Q(first_responded_at__isnull=False) | Q(status__in=DONE)),
        "breached": ELIGIBLE & (Q(first_response_breached=True) | overdue),
        "waiting": ELIGIBLE
        & Q(first_response_breached=False, first_responded_at__isnull=True)
        & ~Q(status__in=DONE)
        & ~overdue,
        "any_breached": ELIGIBLE & (FLAGGED | Q(status__in=RUNNING, sla_due_at__lte=now)),
        "responded": RESPONDED,
        "reopened": Q(reopened_count__gt=0),
        "resolved": Q(status__in=DONE),
        "positive": Q(sentiment="positive"),
        "neutral": Q(sentiment="neutral"),
        "negative": Q(sentiment="negative"),
        "unknown_sentiment": ~Q(sentiment__in=SENTIMENTS),
    }


COUNTER_NAMES = tuple(counters(datetime(2000, 1, 1, tzinfo=UTC)))

COUNTER_LABELS: dict[str, str | Promise] = {
    "tickets": _("Tickets"),
    "ignored": _("Netiquette-ignored"),
    "sla": _("With SLA"),
    "met": _("First response met"),
    "breached": _("First response breached"),
    "waiting": _("Waiting for first response"),
    "any_breached": _("Any SLA breached"),
    "responded": _("Answered"),
    "reopened": _("Reopened"),
    "resolved": _("Resolved"),
    "positive": _("Positive"),
    "neutral": _("Neutral"),
    "negative": _("Negative"),
    "unknown_sentiment": _("Sentiment unknown"),
}

WALL_TIME = ExpressionWrapper(
    F("first_responded_at") - F("created_at"), output_field=DurationField()
)


def counter_aggregates(now: datetime) -> dict[str, Any]:
    """The aggregates a rollup row holds at the instant `now`, in its column order."""
    aggregates: dict[str, Any] = {
        name: Count("pk", filter=predicate) for name, predicate in counters(now).items()
    }
    aggregates["business_seconds"] = Coalesce(
        Sum("first_response_seconds", filter=RESPONDED), Value(0)
    )
    aggregates["wall_time"] = Coalesce(
        Sum(WALL_TIME, filter=RESPONDED),
        Value(timedelta(0)),
        output_field=DurationField(),
    )
    return aggregates


def compliance(met: int, breached: int) -> float | None:
    """Share of decided first responses that met their target, in percent."""
    decided = met + breached
    return None if decided == 0 else round(100 * met / decided, 1)

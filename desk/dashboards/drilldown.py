"""The tickets (or mentions) behind a number: one predicate per metric name.

Counters come from desk.dashboards.metrics (the same predicates the rollups count); live
figures from desk.dashboards.selectors.live with the current time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import ExtractHour
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from channels.models import Channel
from desk.dashboards.filters import BadFilter, Filters
from desk.dashboards.metrics import COUNTER_LABELS, COUNTER_NAMES, counters
from desk.dashboards.rollups import day_span, local_zone
from desk.dashboards.selectors import live
from tickets.models import Message, Ticket

TICKETS = "tickets"
MENTIONS = "mentions"


@dataclass(frozen=True)
class Metric:
    label: str | Promise
    kind: str
    predicate: Callable[[datetime], Q]
    # Counted over the date range (by creation); live figures are about now.
    dated: bool = True


def _const(q: Q) -> Callable[[datetime], Q]:
    return lambda now: q


def _live(select: Callable[[datetime, list[Any]], Q]) -> Callable[[datetime], Q]:
    return lambda now: select(now, live._policies())


def _counter(name: str) -> Callable[[datetime], Q]:
    return lambda now: counters(now)[name]


METRICS: dict[str, Metric] = {
    name: Metric(COUNTER_LABELS[name], TICKETS, _counter(name)) for name in COUNTER_NAMES
}
METRICS["decided"] = Metric(
    _("First response decided (met or breached)"),
    TICKETS,
    lambda now: counters(now)["met"] | counters(now)["breached"],
)
METRICS.update(
    {
        "backlog": Metric(
            _("Open backlog"), TICKETS, _const(Q(status__in=Ticket.ACTIVE_STATUSES)), dated=False
        ),
        "running": Metric(
            _("Clock running"), TICKETS, _const(Q(status__in=live.RUNNING)), dated=False
        ),
        "paused": Metric(
            _("Waiting on customer"), TICKETS, _const(Q(status=Ticket.Status.PENDING)), dated=False
        ),
        "breached_now": Metric("Breached now", TICKETS, live.breached_now_q, dated=False),
        "at_risk": Metric("At risk", TICKETS, _live(live.at_risk_q), dated=False),
    }
)


def _age_q(start: Any, end: Any, now: Any, policies: Any) -> Q:
    return live.age_q(start, end, now, policies)


for _start, _end in live.AGE_BUCKETS:
    _bucket = live.AgeBucket(_start, _end, 0)
    METRICS[_bucket.slug] = Metric(
        _("Backlog aged %(age)s (business)") % {"age": _bucket.label},
        TICKETS,
        _live(partial(_age_q, _start, _end)),
        dated=False,
    )
METRICS["mentions"] = Metric("Mentions", MENTIONS, _const(Q()))
METRICS["monitored"] = Metric(
    _("Mentions on monitored-only channels"),
    MENTIONS,
    _const(Q(channel__service_level=Channel.ServiceLevel.MONITORED)),
)


def metric_named(name: str) -> Metric:
    try:
        return METRICS[name]
    except KeyError:
        raise BadFilter(_("Unknown figure %(name)s.") % {"name": repr(name)}) from None


def tickets_behind(filters: Filters, metric: Metric, *, now: datetime) -> QuerySet[Ticket]:
    scope = filters.tickets() if metric.dated else filters.ticket_keys()
    return Ticket.objects.filter(scope & metric.predicate(now))


def mentions_behind(
    filters: Filters, metric: Metric, params: Mapping[str, str], *, now: datetime
) -> QuerySet[Message]:
    start, end = day_span(filters.first, filters.last)
    q = Q(direction=Message.Direction.INBOUND, created_at__gte=start, created_at__lt=end)
    if filters.channel is not None:
        q &= Q(channel_id=filters.channel)
    if filters.language is not None:
        q &= Q(language=filters.language)
    term = params.get("term", "").strip()
    if term:
        q &= Q(text__icontains=term[:100])
    messages = Message.objects.filter(q & metric.predicate(now))
    hour = params.get("hour", "").strip()
    if hour:
        if not hour.isdigit() or int(hour) > 23:
            raise BadFilter(_("'hour' must be an hour of the day, 0 to 23."))
        messages = messages.annotate(
            local_hour=ExtractHour("created_at", tzinfo=local_zone())
        ).filter(local_hour=int(hour))
    return messages

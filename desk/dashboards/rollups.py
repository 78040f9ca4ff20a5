"""Keeping the rollups equal to a recomputation from the tickets and messages.

The unit of work is a local day. A day's rows are recomputed whole, in the database, with one
INSERT ... SELECT ... GROUP BY over the tickets created that day (a few thousand rows at a
million tickets a year), so a refresh is exact by construction: there are no deltas to get
wrong. The grouping-set rollups (desk.dashboards.slices) are summed from the full-key rows of
the same days, the response-time buckets counted from the same tickets. `refresh` finds the
days touched since the last run (tickets by `updated_at`, breaches the SLA sweep records by
their SlaEvent, mentions by `received_at`), looking back OVERLAP
further so that a transaction that committed late is still seen. On PostgreSQL a ticket
changed in the overlap counts only if the last run could not see it: its writer had not
committed when that run began (the row's xmin against the run's recorded snapshot). Otherwise
every change of the last ten minutes was found again each minute, and one that touched many
days (a bulk reassignment, a retention run) rebuilt everything ten times over. `rebuild`
recomputes every day and is what `manage.py rebuild_rollups` runs; it also repairs what no
timestamp shows (tickets deleted by retention, a write that bypassed `updated_at`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractHour, TruncDate
from django.db.models.lookups import Exact
from django.utils import timezone

from desk.dashboards import slices
from desk.dashboards.metrics import COUNTER_NAMES, RESPONDED, RUNNING, counter_aggregates
from desk.dashboards.models import (
    MentionGroupDay,
    MentionHour,
    ResponseBucketDay,
    RollupState,
    TicketAgentDay,
    TicketDay,
    TicketGroupDay,
)
from desk.dashboards.response_times import MEASURES
from desk.sla.models import SlaEvent
from tickets.models import Message, Ticket

OVERLAP = timedelta(minutes=10)
# Past this many changed days, recomputing everything at once is cheaper than day by day.
REBUILD_ABOVE_DAYS = 120
# Days recomputed per statement; keeps the WHERE clause short.
DAYS_PER_STATEMENT = 31
SUMMED = (*COUNTER_NAMES, "business_seconds", "wall_time")
TICKET_ROLLUPS = (TicketDay, TicketAgentDay, TicketGroupDay, ResponseBucketDay)
MENTION_ROLLUPS = (MentionHour, MentionGroupDay)


@dataclass(frozen=True)
class RefreshResult:
    ticket_days: int
    mention_days: int
    rebuilt: bool = False


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_start(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=local_zone())


def day_span(first: date, last: date) -> tuple[datetime, datetime]:
    """Instants from the start of `first` to the start of the day after `last` (local)."""
    return day_start(first), day_start(last + timedelta(days=1))


def refresh(*, now: datetime | None = None, locked: RollupState | None = None) -> RefreshResult:
    """Take in every change since the last refresh; the first run rebuilds everything.

    `locked`: the state row, when the caller holds its lock already (a dashboard read)."""
    now = now or timezone.now()
    with transaction.atomic():
        state = locked or _locked_state()
        snapshot = _snapshot()
        if state.refreshed_at is None:
            _rebuild_all(now)
            state.refreshed_at = state.rebuilt_at = now
            state.snapshot = snapshot.text
            state.save()
            return RefreshResult(0, 0, rebuilt=True)
        since = state.refreshed_at - OVERLAP
        zone = local_zone()
        # A ticket whose clock ran out since is breached now, though nothing wrote to it.
        changed = Ticket.objects.filter(
            Q(updated_at__gte=since) & _unseen(state, snapshot)
            | Q(pk__in=SlaEvent.objects.filter(created_at__gte=since).values("ticket_id"))
            | Q(status__in=RUNNING, sla_due_at__gte=since, sla_due_at__lte=now)
        )
        ticket_days = _days_of(changed, zone)
        mentions = Message.objects.filter(
            direction=Message.Direction.INBOUND, received_at__gte=since
        )
        mention_days = _days_of(mentions, zone)
        if len(ticket_days) + len(mention_days) > REBUILD_ABOVE_DAYS:
            _rebuild_all(now)
            state.refreshed_at = state.rebuilt_at = now
            state.snapshot = snapshot.text
            state.save()
            return RefreshResult(len(ticket_days), len(mention_days), rebuilt=True)
        recompute_ticket_days(ticket_days, now=now)
        recompute_mention_days(mention_days)
        state.refreshed_at = now
        state.snapshot = snapshot.text
        state.save(update_fields=["refreshed_at", "snapshot"])
    return RefreshResult(len(ticket_days), len(mention_days))


def rebuild(*, now: datetime | None = None) -> None:
    """Recompute every rollup row from scratch."""
    now = now or timezone.now()
    with transaction.atomic():
        state = _locked_state()
        snapshot = _snapshot()
        _rebuild_all(now)
        state.refreshed_at = state.rebuilt_at = now
        state.snapshot = snapshot.text
        state.save()


@dataclass(frozen=True)
class _Snapshot:
    """What this run sees: PostgreSQL's snapshot (which transactions had committed when it
    began) as text, and its xmax, the transaction id the rows' 32-bit xmin are read against."""

    text: str = ""
    xmax: int | None = None


def _snapshot() -> _Snapshot:
    if connection.vendor != "postgresql":
        return _Snapshot()
    with connection.cursor() as cursor:
        # Taken before this run reads anything: a transaction it counts as committed is
        # visible to every later statement of the run, so recording it is on the safe side.
        cursor.execute(
            "SELECT s::text, pg_snapshot_xmax(s)::text::bigint FROM pg_current_snapshot() s"
        )
        text, xmax = cursor.fetchone()
    return _Snapshot(text, xmax)


# A row's xmin is a 32-bit transaction id: its full id is the one within 2**31 of a recent id.
_WRITER = (
    "(%s + ((tickets_ticket.xmin::text::bigint - %s + 6442450944) %% 4294967296) - 2147483648)"
)


def _unseen(state: RollupState, snapshot: _Snapshot) -> Q:
    """Tickets changed in the overlap that the last run did not see: changed after it began,
    or written by a transaction that had not committed by then."""
    if not state.snapshot or snapshot.xmax is None or state.refreshed_at is None:
        return Q()  # SQLite, or no run recorded its snapshot: the whole overlap
    seen = RawSQL(  # noqa: S611  # nosec B611 - constant text; the values are parameters
        f"pg_visible_in_snapshot({_WRITER}::text::xid8, %s::pg_snapshot)",
        (snapshot.xmax, snapshot.xmax % 2**32, state.snapshot),
        output_field=models.BooleanField(),
    )
    return Q(updated_at__gte=state.refreshed_at) | Q(Exact(seen, False))


def _locked_state() -> RollupState:
    RollupState.objects.get_or_create(pk=1)
    return RollupState.objects.select_for_update().get(pk=1)


def _days_of(queryset: QuerySet, zone: ZoneInfo) -> set[date]:
    days = queryset.annotate(rollup_day=TruncDate("created_at", tzinfo=zone))
    return set(days.order_by().values_list("rollup_day", flat=True).distinct())


def _rebuild_all(now: datetime) -> None:
    for model in (*TICKET_ROLLUPS, *MENTION_ROLLUPS):
        model.objects.all().delete()
    _insert_ticket_rollups(Ticket.objects.all(), Q(), now=now)
    _insert_mention_rollups(Message.objects.all(), Q())


def recompute_ticket_days(days: Iterable[date], *, now: datetime | None = None) -> None:
    now = now or timezone.now()
    for first, last in _spans(days):
        start, end = day_span(first, last)
        for model in TICKET_ROLLUPS:
            model.objects.filter(day__gte=first, day__lte=last).delete()
        _insert_ticket_rollups(
            Ticket.objects.filter(created_at__gte=start, created_at__lt=end),
            Q(day__gte=first, day__lte=last),
            now=now,
        )


def recompute_mention_days(days: Iterable[date]) -> None:
    for first, last in _spans(days):
        start, end = day_span(first, last)
        for model in MENTION_ROLLUPS:
            model.objects.filter(day__gte=first, day__lte=last).delete()
        _insert_mention_rollups(
            Message.objects.filter(created_at__gte=start, created_at__lt=end),
            Q(day__gte=first, day__lte=last),
        )


def _insert_ticket_rollups(tickets: QuerySet[Ticket], days: Q, *, now: datetime) -> None:
    """The rollups of these tickets, created on `days`; the grouping sets are summed from the
    full-key rows of those days once written."""
    for model in (TicketDay, TicketAgentDay):
        _insert(model, ticket_rollup_query(model, tickets, now=now))
    sums = {name: f"SUM({connection.ops.quote_name(name)})" for name in SUMMED}
    by_agent = {name for name in slices.TICKET_SETS if "agent" in name.split("+")}
    # Sets without agents from the smaller rollup without them.
    no_agent = {key: column for key, column in slices.KEYS.items() if key != "agent"}
    slices.insert_sets(
        TicketGroupDay,
        slices.TICKET_SETS - by_agent,
        TicketDay.objects.filter(days).values("day", *no_agent.values(), *SUMMED),
        keys=no_agent,
        sums=sums,
    )
    slices.insert_sets(
        TicketGroupDay,
        by_agent,
        TicketAgentDay.objects.filter(days).values("day", *slices.KEYS.values(), *SUMMED),
        keys=slices.KEYS,
        sums=sums,
    )
    for name, measure in MEASURES.items():
        responded = tickets.filter(RESPONDED).annotate(
            day=TruncDate("created_at", tzinfo=local_zone()),
            agent_id=Coalesce("assignee_id", 0),
            response_value=measure.expression,
        )
        slices.insert_sets(
            ResponseBucketDay,
            slices.RESPONSE_SETS,
            responded.annotate(bucket=measure.bucket("response_value")).values(
                "day", "bucket", *slices.KEYS.values()
            ),
            keys=slices.KEYS,
            by=("bucket",),
            constants={"measure": name},
            sums={"tickets": "COUNT(*)"},
        )


def _insert_mention_rollups(messages: QuerySet[Message], days: Q) -> None:
    _insert(MentionHour, mention_rollup_query(messages))
    slices.insert_sets(
        MentionGroupDay,
        slices.MENTION_SETS,
        MentionHour.objects.filter(days).values("day", *slices.MENTION_KEYS.values(), "mentions"),
        keys=slices.MENTION_KEYS,
        sums={"mentions": "SUM(mentions)"},
    )


def _spans(days: Iterable[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days, each at most DAYS_PER_STATEMENT long."""
    spans: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if spans:
            first, last = spans[-1]
            if day == last + timedelta(days=1) and (day - first).days < DAYS_PER_STATEMENT:
                spans[-1] = (first, day)
                continue
        spans.append((day, day))
    return spans


def ticket_rollup_query(
    model: type[models.Model], tickets: QuerySet[Ticket], *, now: datetime
) -> QuerySet:
    """Rollup rows of `model` as a query over `tickets`: one row per day and key."""
    keyed = tickets.order_by().annotate(day=TruncDate("created_at", tzinfo=local_zone()))
    keys = ["day", "channel_id", "queue_id", "language"]
    if model is TicketAgentDay:
        keyed = keyed.annotate(agent_id=Coalesce("assignee_id", 0))
        keys.append("agent_id")
    return keyed.values(*keys).annotate(**counter_aggregates(now))


def mention_rollup_query(messages: QuerySet[Message]) -> QuerySet:
    zone = local_zone()
    return (
        messages.filter(direction=Message.Direction.INBOUND)
        .order_by()
        .annotate(
            day=TruncDate("created_at", tzinfo=zone),
            hour=ExtractHour("created_at", tzinfo=zone),
        )
        .values("day", "hour", "channel_id", "language")
        .annotate(mentions=Count("pk"))
    )


def _insert(model: type[models.Model], rows: QuerySet) -> None:
    slices.insert(model, rows)

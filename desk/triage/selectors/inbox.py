"""Reads for the inbox: filtered, sorted, keyset-paginated tickets and per-queue counts.

SLA states, their filters and the due-time order all come from the SLA engine (desk.sla):
the order is the due time of the clock each badge is about (`Ticket.sla_due_at`).

A page costs a fixed number of queries whatever its size: the page itself (with its queue,
channel, contact, assignee and SLA policy with its calendar joined), at most one more query
to continue past the tickets without a running clock, its tags, and its SLA policies'
per-priority targets (which the badges need).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from desk.sla.selectors import NOWHERE, RUNNING, SlaState, attach_sla, sla_state_filter
from desk.triage.templatetags.desk_triage import badge
from tickets.models import Contact, Tag, Ticket

SORT_DUE = "due"
SORT_NEWEST = "newest"


class BadCursor(ValueError):
    """A pagination cursor that we did not write."""


@dataclass(frozen=True)
class InboxFilters:
    queue_ids: Sequence[int] = ()
    channel_ids: Sequence[int] = ()
    statuses: Sequence[str] = tuple(Ticket.ACTIVE_STATUSES)
    sla_states: Sequence[SlaState] = ()
    sentiments: Sequence[str] = ()
    languages: Sequence[str] = ()
    assignee: str = "anyone"  # "me", "unassigned", "anyone"
    tags: Sequence[str] = ()
    created_from: date | None = None
    created_to: date | None = None
    search: str = ""
    sort: str = SORT_DUE


@dataclass
class InboxPage:
    tickets: list[Ticket]
    next_cursor: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Selection:
    """The filtered tickets, and the same apart by whether an SLA clock runs (sla_due_at set
    or not), each with only its own SLA-state condition: the due-time order walks one group
    after the other, each as one index range with no OR across them."""

    tickets: QuerySet[Ticket]
    clocked: QuerySet[Ticket]
    idle: QuerySet[Ticket]


def filtered_tickets(
    *, user: Any, visible_queue_ids: Sequence[int], filters: InboxFilters, now: datetime
) -> Selection:
    statuses = list(filters.statuses)
    clocked = idle = Q()
    if len(filters.sla_states) == 1:
        # One SLA state: its statuses merge into the status filter (one condition to plan).
        state = sla_state_filter(filters.sla_states[0], now=now)
        statuses = [s for s in statuses if s in state.statuses]
        clocked, idle = state.clocked, state.idle
    elif filters.sla_states:
        clocked = idle = NOWHERE
        for name in filters.sla_states:
            state = sla_state_filter(name, now=now)
            among = Q(status__in=sorted(state.statuses))
            clocked |= among & state.clocked
            idle |= among & state.idle
    tickets = _matching(user, visible_queue_ids, filters, statuses)
    with_clock = tickets.filter(sla_due_at__isnull=False).filter(clocked)
    if not RUNNING.intersection(statuses):
        # Clocks run only while a ticket is new or open: no query (nor scan) for the rest.
        with_clock = with_clock.none()
    without_clock = tickets.filter(sla_due_at__isnull=True).filter(idle)
    if filters.sla_states:
        tickets = tickets.filter(
            (Q(sla_due_at__isnull=False) & clocked) | (Q(sla_due_at__isnull=True) & idle)
        )
    return Selection(tickets, with_clock, without_clock)


def _matching(
    user: Any, visible_queue_ids: Sequence[int], filters: InboxFilters, statuses: list[str]
) -> QuerySet[Ticket]:
    """The tickets that pass every filter but the SLA state's."""
    queue_ids = [q for q in (filters.queue_ids or visible_queue_ids) if q in visible_queue_ids]
    tickets: QuerySet[Ticket] = Ticket.objects.filter(queue_id__in=queue_ids)
    if not statuses:
        return tickets.none()
    tickets = tickets.filter(status__in=statuses)
    if filters.channel_ids:
        tickets = tickets.filter(channel_id__in=list(filters.channel_ids))
    if filters.sentiments:
        tickets = tickets.filter(sentiment__in=list(filters.sentiments))
    if filters.languages:
        tickets = tickets.filter(language__in=list(filters.languages))
    if filters.assignee == "me":
        tickets = tickets.filter(assignee=user)
    elif filters.assignee == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    for name in filters.tags:
        tickets = tickets.filter(
            Exists(
                Ticket.tags.through.objects.filter(
                    ticket_id=OuterRef("pk"),
                    tag_id__in=Tag.objects.filter(name=name.lower()).values("id"),
                )
            )
        )
    if filters.created_from:
        tickets = tickets.filter(created_at__gte=_start_of(filters.created_from))
    if filters.created_to:
        tickets = tickets.filter(created_at__lt=_start_of(filters.created_to + timedelta(days=1)))
    if filters.search:
        tickets = search(tickets, filters.search)
    return tickets


def search(tickets: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """Full-text search on the subject (the post's opening) and the contact's name.

    On PostgreSQL words match through the GIN index of migration tickets 0005 (the expression
    here must stay the indexed one); elsewhere a substring match does.
    """
    text = " ".join(text.split())[:200]
    if connection.vendor != "postgresql":
        by_name = Contact.objects.filter(display_name__icontains=text)
        return tickets.filter(Q(subject__icontains=text) | Q(contact_id__in=by_name.values("id")))
    from django.contrib.postgres.search import SearchQuery, SearchVector

    query = SearchQuery(text, config="simple")
    by_name = Contact.objects.annotate(
        search_document=SearchVector("display_name", config="simple")
    ).filter(search_document=query)
    return tickets.annotate(search_document=SearchVector("subject", config="simple")).filter(
        Q(search_document=query) | Q(contact_id__in=by_name.values("id"))
    )


def inbox_page(selection: Selection, *, sort: str, cursor: str, size: int) -> InboxPage:
    joined = ("queue", "channel", "contact", "assignee", "sla_policy__calendar")
    if sort == SORT_NEWEST:
        rows = _newest_page(selection.tickets.select_related(*joined), cursor, size)
        page = rows[:size]
        next_cursor = _cursor_newest(page[-1]) if len(rows) > size else ""
    else:
        rows = _due_page(
            selection.clocked.select_related(*joined),
            selection.idle.select_related(*joined),
            cursor,
            size,
        )
        page = rows[:size]
        next_cursor = _cursor_due(page[-1]) if len(rows) > size else ""
    _attach_tags(page)
    attach_sla(page)
    return InboxPage(tickets=page, next_cursor=next_cursor)


def _due_page(
    clocked: QuerySet[Ticket], idle: QuerySet[Ticket], cursor: str, size: int
) -> list[Ticket]:
    # Due time ascending, tickets without a running clock (paused, done, no SLA) last. Two
    # ranges, each walked by an index: first the dated tickets after the cursor, then, if the
    # page is not full, the undated.
    due, pk = _parse_cursor(cursor, SORT_DUE) if cursor else (None, None)
    rows: list[Ticket] = []
    if pk is None or due is not None:
        dated = clocked
        if due is not None:
            dated = dated.filter(sla_due_at__gte=due).exclude(sla_due_at=due, id__lte=pk)
        rows = list(dated.order_by("sla_due_at", "id")[: size + 1])
        pk = None
    if len(rows) <= size:
        undated = idle
        if pk is not None:
            undated = undated.filter(id__gt=pk)
        rows += list(undated.order_by("id")[: size + 1 - len(rows)])
    return rows


def _newest_page(tickets: QuerySet[Ticket], cursor: str, size: int) -> list[Ticket]:
    if cursor:
        created, pk = _parse_cursor(cursor, SORT_NEWEST)
        if created is None or pk is None:
            raise BadCursor(cursor)
        tickets = tickets.filter(created_at__lte=created).exclude(created_at=created, id__gte=pk)
    return list(tickets.order_by("-created_at", "-id")[: size + 1])


def _cursor_due(ticket: Ticket) -> str:
    due = ticket.sla_due_at
    return f"{SORT_DUE}~{due.isoformat() if due else '-'}~{ticket.pk}"


def _cursor_newest(ticket: Ticket) -> str:
    return f"{SORT_NEWEST}~{ticket.created_at.isoformat()}~{ticket.pk}"


def _parse_cursor(cursor: str, sort: str) -> tuple[datetime | None, int]:
    parts = cursor.split("~")
    if len(parts) != 3 or parts[0] != sort or not parts[2].isdigit():
        raise BadCursor(cursor)
    if parts[1] == "-":
        return None, int(parts[2])
    try:
        moment = datetime.fromisoformat(parts[1])
    except ValueError:
        raise BadCursor(cursor) from None
    if moment.tzinfo is None:
        raise BadCursor(cursor)
    return moment, int(parts[2])


def _attach_tags(page: list[Ticket]) -> None:
    """One query for the tags of the whole page."""
    by_ticket: dict[int, list[str]] = {t.pk: [] for t in page}
    if page:
        links = Ticket.tags.through.objects.filter(ticket_id__in=list(by_ticket)).values_list(
            "ticket_id", "tag__name"
        )
        for ticket_id, name in links.order_by("tag__name"):
            by_ticket[ticket_id].append(name)
    for ticket in page:
        ticket.tag_names = by_ticket[ticket.pk]  # type: ignore[attr-defined]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def active_counts_by_queue(queue_ids: Sequence[int]) -> dict[int, int]:
    rows = (
        Ticket.objects.filter(queue_id__in=list(queue_ids), status__in=Ticket.ACTIVE_STATUSES)
        .values("queue_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    return {row["queue_id"]: row["n"] for row in rows}


def count_new_since(tickets: QuerySet[Ticket], since: datetime, *, cap: int = 100) -> int:
    """How many matching tickets arrived after `since`, counted up to `cap`."""
    return tickets.filter(created_at__gt=since).order_by()[:cap].count()


def inbox_rows(ticket_ids: list[int], *, now: datetime) -> list[Ticket]:
    """Tickets as the inbox lists them (tags, SLA badge), to redraw rows after an action."""
    joined = ("queue", "channel", "contact", "assignee", "sla_policy__calendar")
    rows = list(Ticket.objects.filter(pk__in=ticket_ids).select_related(*joined).order_by("pk"))
    _attach_tags(rows)
    for ticket in rows:
        ticket.sla_badge = badge(ticket, now)  # type: ignore[attr-defined]
    return rows

"""The inbox: filters, saved views, per-queue counts, keyset pages, bulk actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from channels.models import Channel
from desk.access import staff_required, visible_queue_ids, visible_tickets
from desk.redirects import safe_next
from desk.sla.selectors import SlaState
from desk.triage.forms import PRIORITY_CHOICES, InboxFilterForm, SaveViewForm
from desk.triage.models import SavedView
from desk.triage.selectors.inbox import (
    SORT_NEWEST,
    BadCursor,
    InboxFilters,
    active_counts_by_queue,
    count_new_since,
    filtered_tickets,
    inbox_page,
    inbox_rows,
)
from desk.triage.services.actions import Action, apply_bulk
from desk.triage.templatetags.desk_triage import badge
from desk.triage.views.ticket import in_pane
from tickets.models import Queue, Ticket

# Query parameters that describe what the inbox shows (not where in it we are).
FILTER_PARAMS = (
    "q", "queue", "channel", "status", "sla", "sentiment", "language", "assignee", "tag",
    "created_from", "created_to", "sort", "per_page",
)  # fmt: skip


def _queues(queue_ids: list[int]) -> list[Queue]:
    by_id = {q.pk: q for q in Queue.objects.filter(pk__in=queue_ids)}
    return [by_id[pk] for pk in queue_ids if pk in by_id]


def _filter_form(request: HttpRequest, queues: list[Queue]) -> InboxFilterForm:
    return InboxFilterForm(
        request.GET,
        queue_choices=[(q.slug, q.name) for q in queues],
        channel_choices=list(Channel.objects.order_by("name").values_list("id", "name")),
    )


def _filters(form: InboxFilterForm, queues: list[Queue]) -> InboxFilters:
    data = form.cleaned_data
    by_slug = {q.slug: q.pk for q in queues}
    return InboxFilters(
        queue_ids=[by_slug[slug] for slug in data["queue"]],
        channel_ids=data["channel"],
        statuses=data["status"] or list(Ticket.ACTIVE_STATUSES),
        sla_states=[SlaState(s) for s in data["sla"]],
        sentiments=data["sentiment"],
        languages=data["language"],
        assignee=data["assignee"] or "anyone",
        tags=data["tag"],
        created_from=data["created_from"],
        created_to=data["created_to"],
        search=data["q"].strip(),
        sort=data["sort"] or "due",
    )


def filter_query(request: HttpRequest) -> str:
    """The current filters as a query string, for links that keep them."""
    kept = QueryDict(mutable=True)
    for name in FILTER_PARAMS:
        values = [v for v in request.GET.getlist(name) if v]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


@staff_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    queue_ids = visible_queue_ids(request.user)
    queues = _queues(queue_ids)
    form = _filter_form(request, queues)
    context: dict[str, Any] = {
        "form": form,
        "queues": queues,
        "counts": active_counts_by_queue(queue_ids),
        "saved_views": _saved_views(request.user),
        "filter_query": filter_query(request),
        "now": timezone.now(),
        "members": get_user_model()
        .objects.filter(Q(desk_queues__in=queue_ids) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("username"),
        "priorities": PRIORITY_CHOICES,
        "tickets": [],
    }
    if not form.is_valid():
        return render(request, "desk/inbox.html", context, status=400)
    filters = _filters(form, queues)
    selection = filtered_tickets(
        user=request.user, visible_queue_ids=queue_ids, filters=filters, now=context["now"]
    )
    try:
        page = inbox_page(
            selection,
            sort=filters.sort,
            cursor=form.cleaned_data["after"],
            size=form.cleaned_data["per_page"] or 50,
        )
    except BadCursor:
        form.add_error("after", _("This page link is not valid any more; start from the top."))
        return render(request, "desk/inbox.html", context, status=400)
    new_since = _new_since(request)
    for ticket in page.tickets:
        # Computed here rather than by a tag per row: one template render for the whole list.
        ticket.sla_badge = badge(ticket, context["now"])  # type: ignore[attr-defined]
        ticket.is_new = bool(new_since and ticket.created_at > new_since)  # type: ignore[attr-defined]
    context.update(tickets=page.tickets, next_cursor=page.next_cursor)
    context["active_view"] = form.cleaned_data["view"]
    context["rendered_at"] = context["now"].isoformat()
    return render(request, "desk/inbox.html", context)


def _new_since(request: HttpRequest) -> datetime | None:
    """The moment the "new mentions" link counted from: tickets after it are marked new."""
    try:
        since = datetime.fromisoformat(request.GET.get("new_since", ""))
    except ValueError:
        return None
    return since if since.tzinfo is not None else None


def _saved_views(user: Any) -> list[SavedView]:
    return list(SavedView.objects.filter(Q(owner__isnull=True) | Q(owner=user)))


@staff_required
@require_GET
def inbox_new(request: HttpRequest) -> HttpResponse:
    """How many mentions matching the filters arrived since the page was shown (polled)."""
    queue_ids = visible_queue_ids(request.user)
    queues = _queues(queue_ids)
    form = _filter_form(request, queues)
    try:
        since = datetime.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        return HttpResponse(_("Missing or invalid “since”."), status=400)
    if since.tzinfo is None or not form.is_valid():
        return HttpResponse(_("Missing or invalid “since”."), status=400)
    selection = filtered_tickets(
        user=request.user,
        visible_queue_ids=queue_ids,
        filters=_filters(form, queues),
        now=timezone.now(),
    )
    count = count_new_since(selection.tickets, since)
    # Newest first, with the new ones marked: they are at the top, where the cursor goes.
    shown = QueryDict(filter_query(request), mutable=True)
    shown["sort"] = SORT_NEWEST
    shown["new_since"] = since.isoformat()
    return render(
        request,
        "desk/_new_mentions.html",
        {"count": count, "reload_url": f"{reverse('inbox')}?{shown.urlencode()}"},
    )


@staff_required
@require_POST
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    back = safe_next(request, reverse("inbox"))

    def refused(message: str) -> HttpResponse:
        flash.error(request, message)
        if in_pane(request):
            return render(request, "desk/_oob.html", {"rows": []}, status=400)
        return redirect(back)

    try:
        action = Action(request.POST.get("action", ""))
    except ValueError:
        return refused(_("Choose an action."))
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    if not ids:
        return refused(_("Select at least one ticket."))
    value = request.POST.get(f"{action.value}_value", "")
    # Tickets outside the user's queues are simply not found.
    tickets = list(visible_tickets(request.user).filter(pk__in=ids).order_by("pk"))
    result = apply_bulk(tickets=tickets, actor=request.user, action=action, value=value)
    if result.done:
        flash.success(
            request,
            ngettext("%(n)d ticket updated.", "%(n)d tickets updated.", len(result.done))
            % {"n": len(result.done)},
        )
    for pk, reason in result.refused.items():
        flash.error(request, _("#%(pk)s: %(reason)s") % {"pk": pk, "reason": reason})
    missing = len(set(ids)) - len(tickets)
    if missing:
        flash.error(
            request,
            ngettext(
                "%(n)d ticket is not in your queues.",
                "%(n)d tickets are not in your queues.",
                missing,
            )
            % {"n": missing},
        )
    if in_pane(request):
        # The split view redraws the rows in place and shows the messages in its status line.
        rows = inbox_rows([t.pk for t in tickets], now=timezone.now())
        return render(request, "desk/_oob.html", {"rows": rows})
    return redirect(back)


@staff_required
@require_POST
def save_view(request: HttpRequest) -> HttpResponse:
    form = SaveViewForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Give the view a name."))
        return redirect(safe_next(request, reverse("inbox")))
    query = QueryDict(form.cleaned_data["query"])
    stored = {name: query.getlist(name) for name in FILTER_PARAMS if query.getlist(name)}
    view = SavedView.objects.create(
        name=form.cleaned_data["name"], owner_id=request.user.pk, query=stored
    )
    return redirect(f"{reverse('inbox')}?{urlencode(stored, doseq=True)}&view={view.pk}")


@staff_required
@require_POST
def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(SavedView, pk=pk, owner=request.user).delete()
    return redirect("inbox")

"""The first staff pages: an inbox of tickets, newest first, and a ticket with its messages."""

from datetime import datetime

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from desk.privacy.services import audit
from desk.sla import sla_status
from tickets.models import Ticket
from tickets.services import ReplyRefused, add_note, post_reply

INBOX_PAGE_SIZE = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    tickets = Ticket.objects.select_related("queue", "channel", "contact").order_by(
        "-created_at", "-id"
    )
    # Keyset pagination: "older than this ticket", so deep pages cost what the first does.
    before = request.GET.get("before", "")
    created, _, pk = before.partition("_")
    if created and pk.isdigit():
        try:
            cursor_time = datetime.fromisoformat(created)
        except ValueError:
            cursor_time = None
        if cursor_time is not None:
            tickets = tickets.filter(created_at__lte=cursor_time).exclude(
                created_at=cursor_time, id__gte=int(pk)
            )
    page = list(tickets[: INBOX_PAGE_SIZE + 1])
    next_cursor = ""
    if len(page) > INBOX_PAGE_SIZE:
        page = page[:INBOX_PAGE_SIZE]
        last = page[-1]
        next_cursor = f"{last.created_at.isoformat()}_{last.pk}"
    return render(request, "desk/inbox.html", {"tickets": page, "next_cursor": next_cursor})


@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(
        Ticket.objects.select_related(
            "queue", "channel", "contact", "assignee", "conversation", "sla_policy__calendar"
        ),
        pk=pk,
    )
    messages = ticket.conversation.messages.select_related(
        "author_identity", "sent_by", "channel"
    ).prefetch_related("revisions", "platform_actions")
    events = ticket.events.select_related("actor")
    notes = ticket.notes.select_related("author")
    audit.record_view(actor=request.user, target=ticket.conversation)
    return render(
        request,
        "desk/ticket.html",
        {
            "ticket": ticket,
            "thread": messages,
            "events": events,
            "notes": notes,
            "sla": sla_status(ticket),
        },
    )


@login_required
@require_POST
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.select_related("channel"), pk=pk)
    try:
        post_reply(
            ticket=ticket,
            author=request.user,
            text=request.POST.get("text", ""),
            is_holding=request.POST.get("holding") == "1",
        )
    except ReplyRefused as exc:
        flash.error(request, str(exc))
    return redirect("ticket-detail", pk=pk)


@login_required
@require_POST
def ticket_note(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket, pk=pk)
    try:
        add_note(ticket=ticket, author=request.user, text=request.POST.get("text", ""))
    except ReplyRefused as exc:
        flash.error(request, str(exc))
    return redirect("ticket-detail", pk=pk)

"""Sending a reply: the composer's checks, then the channel's outbound task."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from desk.access import staff_required
from desk.outbound.services import Draft, ReplyRefused, check_reply, request_approval, send
from desk.triage.forms import ReplyForm
from desk.triage.views.ticket import load_ticket, render_ticket, ticket_context
from tickets.models import Ticket


@staff_required
@require_POST
def ticket_reply(request: HttpRequest, pk: int) -> HttpResponse:
    ticket, queue_ids = load_ticket(request, pk)
    form = ReplyForm(request.POST)

    def again(status: int, **extra: object) -> HttpResponse:
        context = ticket_context(request, ticket, queue_ids)
        context.update(reply_form=form, **extra)
        return render_ticket(request, context, status=status)

    if ticket.status == Ticket.Status.IGNORED:
        flash.error(
            request,
            _(
                "Not sent: this post is marked as a netiquette violation and gets no answer. "
                "Someone with the right role must take the mark back first."
            ),
        )
        return redirect("ticket-detail", pk=pk)
    if not form.is_valid():
        return again(400)
    data = form.cleaned_data
    draft = Draft(text=data["text"], voice=data["voice"], is_holding=data["holding"])
    check = check_reply(
        ticket=ticket,
        user=request.user,
        draft=draft,
        seen_message_id=data["seen_message_id"],
        confirmed_collision=data["confirm_collision"],
        confirmed_duplicate=data["confirm_duplicate"],
    )
    if check.blocked:
        return again(400, check=check)
    if check.approval_reason:
        request_approval(
            ticket=ticket, user=request.user, draft=draft, reason=check.approval_reason
        )
        flash.warning(
            request,
            _("Not sent: %(reason)s Your draft is waiting for a spokesperson's approval.")
            % {"reason": check.approval_reason},
        )
        return redirect("ticket-detail", pk=pk)
    if check.replied_meanwhile or check.near_duplicate:
        return again(409, check=check)
    try:
        send(ticket=ticket, user=request.user, draft=draft)
    except ReplyRefused as exc:
        form.add_error("text", str(exc))
        return again(400)
    flash.success(request, _("Reply queued for delivery."))
    return redirect("ticket-detail", pk=pk)

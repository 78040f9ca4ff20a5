"""The conversation view and the actions taken on one ticket."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from desk.access import (
    staff_required,
    visible_queue_ids,
    visible_ticket_or_404,
)
from desk.outbound.models import ReplyApproval
from desk.privacy.models import LegalHold
from desk.privacy.services import audit
from desk.redirects import safe_next
from desk.sla.selectors import sla_status
from desk.triage.forms import PRIORITY_CHOICES, NoteForm, ReplyForm
from desk.triage.models import CannedReply
from desk.triage.selectors.inbox import inbox_rows
from desk.triage.services import presence
from desk.triage.services.actions import Action, ActionRefused, apply_action
from desk.triage.services.canned import fill_placeholders
from desk.triage.services.delivery import compose_state, retry_delivery
from desk.triage.templatetags.desk_triage import badge_of
from tickets.models import Message, Queue, Ticket
from tickets.services import EmptyNote, add_note

# Past conversations of the contact shown beside the thread.
HISTORY_SIZE = 10
# Sent by the inbox's split view: answer with the conversation pane and the redrawn list rows
# (htmx out-of-band swaps), not a whole page.
PANE_HEADER = "X-Desk-Pane"


def in_pane(request: HttpRequest) -> bool:
    return request.headers.get(PANE_HEADER) == "1"


def render_ticket(
    request: HttpRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The ticket page, or in the split view its pane with the ticket's list row."""
    if in_pane(request):
        context["rows"] = inbox_rows([context["ticket"].pk], now=context["now"])
        return render(request, "desk/_pane.html", context, status=status)
    return render(request, "desk/ticket.html", context, status=status)


def ticket_context(request: HttpRequest, ticket: Ticket, queue_ids: list[int]) -> dict[str, Any]:
    thread = list(
        ticket.conversation.messages.select_related(
            "author_identity", "sent_by", "parent", "channel"
        ).prefetch_related("attachments", "revisions", "platform_actions")
    )
    canned = CannedReply.objects.filter(is_active=True).filter(
        Q(queue__isnull=True) | Q(queue=ticket.queue)
    )
    if ticket.language:
        # Answers written in another language are no help; those without one fit any.
        canned = canned.filter(Q(language="") | Q(language=ticket.language))
    now = timezone.now()
    sla = sla_status(ticket, now=now)
    return {
        "ticket": ticket,
        "sla": sla,
        "sla_badge": badge_of(sla, now=now),
        "thread": thread,
        "original": next((m for m in thread if m.direction == Message.Direction.INBOUND), None),
        "seen_message_id": max((m.pk for m in thread), default=0),
        "events": ticket.events.select_related("actor"),
        "notes": ticket.notes.select_related("author"),
        "identities": ticket.contact.identities.order_by("kind", "handle"),
        # The reader's queues, for what the page draws from other tickets (similar answers).
        "queue_ids": queue_ids,
        "history": Ticket.objects.filter(contact=ticket.contact, queue_id__in=queue_ids)
        .exclude(pk=ticket.pk)
        .select_related("channel")
        .order_by("-created_at")[:HISTORY_SIZE],
        "canned_replies": [
            (reply, fill_placeholders(reply.text, ticket=ticket, agent=request.user))
            for reply in canned
        ],
        "pending_approvals": ReplyApproval.objects.filter(
            ticket=ticket, state=ReplyApproval.State.PENDING
        ).select_related("drafted_by"),
        "max_length": ticket.channel.adapter().max_reply_length,
        "disclosure": settings.EMPLOYEE_DISCLOSURE,
        "queues": Queue.objects.all(),
        "members": get_user_model()
        .objects.filter(Q(desk_queues=ticket.queue) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("username"),
        "priorities": PRIORITY_CHOICES,
        "now": now,
        "reply_form": ReplyForm(
            initial={
                "seen_message_id": max((m.pk for m in thread), default=0),
                "text": _edited_text(request, thread),
            }
        ),
        "note_form": NoteForm(),
        "others": presence.others_present(ticket=ticket, user=request.user),
        "compose": compose_state(ticket, request.user),
    }


def _edited_text(request: HttpRequest, thread: list[Message]) -> str:
    """The text of an undelivered reply the user chose to edit and send again."""
    wanted = request.GET.get("edit", "")
    for message in thread:
        if str(message.pk) == wanted and message.direction == Message.Direction.OUTBOUND:
            return message.text if message.delivery_state != Message.Delivery.SENT else ""
    return ""


def load_ticket(
    request: HttpRequest, pk: int, *, for_page: bool = False
) -> tuple[Ticket, list[int]]:
    """The ticket, if the user's queues hold it. `for_page`: the full page is drawn from it, so
    it also says whether a legal hold keeps its conversation (the retention block then asks
    for the holds only when there are some); actions and presence polls skip that subquery."""
    queue_ids = visible_queue_ids(request.user)
    tickets = Ticket.objects.select_related(
        "queue",
        "channel",
        "contact",
        "assignee",
        "conversation",
        "sla_policy__calendar",
        "decision",
    )
    if for_page:
        tickets = tickets.annotate(
            conversation_held=Exists(
                LegalHold.objects.covering(
                    conversation=OuterRef("conversation_id"), contact=OuterRef("contact_id")
                )
            )
        )
    ticket = visible_ticket_or_404(request.user, pk, tickets, queue_ids)
    return ticket, queue_ids


@staff_required
@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket, queue_ids = load_ticket(request, pk, for_page=True)
    presence.touch_presence(ticket=ticket, user=request.user, composing=False)
    audit.record_view(actor=request.user, target=ticket.conversation)
    return render_ticket(request, ticket_context(request, ticket, queue_ids))


@staff_required
@require_POST
def ticket_action(request: HttpRequest, pk: int) -> HttpResponse:
    ticket, _queues = load_ticket(request, pk)
    back = safe_next(request, reverse("ticket-detail", args=[ticket.pk]))
    try:
        action = Action(request.POST.get("action", ""))
    except ValueError:
        flash.error(request, _("Choose an action."))
        return redirect(back)
    try:
        apply_action(
            ticket=ticket,
            actor=request.user,
            action=action,
            value=request.POST.get(f"{action.value}_value", ""),
        )
    except ActionRefused as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("Done."))
    return redirect(back)


@staff_required
@require_POST
def ticket_note(request: HttpRequest, pk: int) -> HttpResponse:
    ticket, _queues = load_ticket(request, pk)
    try:
        add_note(ticket=ticket, author=request.user, text=request.POST.get("text", ""))
    except EmptyNote:
        flash.error(request, _("The note is empty."))
    return redirect("ticket-detail", pk=pk)


@staff_required
@require_POST
def ticket_presence(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the open page: records that the user is here, answers who else is."""
    ticket, _queues = load_ticket(request, pk)
    presence.touch_presence(
        ticket=ticket, user=request.user, composing=request.POST.get("composing") == "1"
    )
    seen = request.POST.get("seen_message_id", "")
    newer = (
        Message.objects.filter(conversation_id=ticket.conversation_id, id__gt=int(seen)).count()
        if seen.isdigit()
        else 0
    )
    return render(
        request,
        "desk/_presence.html",
        {
            "others": presence.others_present(ticket=ticket, user=request.user),
            "newer": newer,
            "ticket": ticket,
        },
    )


@staff_required
@require_GET
def message_delivery(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    ticket, _queues = load_ticket(request, pk)
    message = Message.objects.filter(
        pk=message_pk, conversation_id=ticket.conversation_id, direction=Message.Direction.OUTBOUND
    ).first()
    if message is None:
        return HttpResponse(_("No such reply."), status=404)
    return render(request, "desk/_delivery.html", {"message": message, "ticket": ticket})


@staff_required
@require_POST
def message_retry(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    ticket, _queues = load_ticket(request, pk)
    if retry_delivery(ticket=ticket, message_id=message_pk, actor=request.user):
        flash.success(request, _("Delivery retried."))
    else:
        flash.error(request, _("This reply is not waiting for a delivery."))
    return redirect("ticket-detail", pk=pk)

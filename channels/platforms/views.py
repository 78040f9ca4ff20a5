"""Staff actions on platform comments, and the channel health page."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from channels.models import Channel, InboundEvent
from channels.platforms.actions import ActionRefused, hide_comment, reply_privately
from tickets.models import Message, Ticket


def _ticket_and_message(pk: int, message_pk: int) -> tuple[Ticket, Message]:
    ticket = get_object_or_404(Ticket.objects.select_related("conversation"), pk=pk)
    message = get_object_or_404(
        Message.objects.select_related("channel"), pk=message_pk, conversation=ticket.conversation
    )
    return ticket, message


@login_required
@require_POST
def message_hide(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    ticket, message = _ticket_and_message(pk, message_pk)
    try:
        hide_comment(ticket=ticket, message=message, actor=request.user)
    except ActionRefused as exc:
        flash.error(request, str(exc))
    return redirect("ticket-detail", pk=pk)


@login_required
@require_POST
def message_private_reply(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    ticket, message = _ticket_and_message(pk, message_pk)
    try:
        reply_privately(
            ticket=ticket, message=message, actor=request.user, text=request.POST.get("text", "")
        )
    except ActionRefused as exc:
        flash.error(request, str(exc))
    return redirect("ticket-detail", pk=pk)


@login_required
def channel_health(request: HttpRequest) -> HttpResponse:
    unsupported = unsupported_events_by_channel()
    rows = [
        (channel, channel.adapter().health_details(), unsupported.get(channel.pk))
        for channel in Channel.objects.all()
    ]
    return render(request, "platforms/channel_health.html", {"rows": rows})


def unsupported_events_by_channel() -> dict[int, tuple[int, str]]:
    """Per channel: how many deliveries were not for us (another account, an unknown type, a
    shape we cannot read), and the latest one's reason. Each was acknowledged and kept."""
    events = InboundEvent.objects.filter(state=InboundEvent.State.UNSUPPORTED)
    counts = dict(
        events.values("channel").annotate(n=Count("id")).values_list("channel", "n").order_by()
    )
    return {
        channel_id: (count, events.filter(channel_id=channel_id).order_by("-id")[0].last_error)
        for channel_id, count in counts.items()
    }

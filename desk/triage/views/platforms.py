"""Staff actions on platform comments (through the outbound gate), and the channels page."""

from django.conf import settings
from django.contrib import messages as flash
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from channels.adapters.feed.recipes import RECIPES
from channels.health.report import health_reports
from channels.models import Channel, InboundEvent
from channels.platforms.models import HealthCondition
from desk.access import staff_required, visible_ticket_or_404
from desk.outbound.moderation import ActionRefused, hide, reply_in_private
from tickets.models import Message, Ticket


def _ticket_and_message(request: HttpRequest, pk: int, message_pk: int) -> tuple[Ticket, Message]:
    ticket = visible_ticket_or_404(
        request.user, pk, Ticket.objects.select_related("conversation", "queue")
    )
    message = get_object_or_404(
        Message.objects.select_related("channel"), pk=message_pk, conversation=ticket.conversation
    )
    return ticket, message


@staff_required
@require_POST
def message_hide(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    ticket, message = _ticket_and_message(request, pk, message_pk)
    try:
        hide(ticket=ticket, message=message, actor=request.user)
    except ActionRefused as exc:
        flash.error(request, str(exc))
    return redirect("ticket-detail", pk=pk)


@staff_required
@require_POST
def message_private_reply(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    ticket, message = _ticket_and_message(request, pk, message_pk)
    try:
        reply_in_private(
            ticket=ticket, message=message, actor=request.user, text=request.POST.get("text", "")
        )
    except ActionRefused as exc:
        flash.error(request, str(exc))
    return redirect("ticket-detail", pk=pk)


@staff_required
@require_GET
def channel_health(request: HttpRequest) -> HttpResponse:
    unsupported = unsupported_events_by_channel()
    channels = list(Channel.objects.all())
    health = health_reports(channels)
    rows = [
        (
            channel,
            adapter.health_details(),
            adapter.entry_points(),
            unsupported.get(channel.pk),
            health[channel.pk],
        )
        for channel in channels
        for adapter in [channel.adapter()]
    ]
    return render(
        request,
        "platforms/channel_health.html",
        {"rows": rows, "recipes": list(RECIPES.values())},
    )


@staff_required
@require_GET
def channel_health_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One channel's health in full: each needed permission with why, each subscription,
    the delivery rhythm, and the conditions found lately (open and resolved)."""
    channel = get_object_or_404(Channel, pk=pk)
    adapter = channel.adapter()
    return render(
        request,
        "platforms/channel_health_detail.html",
        {
            "channel": channel,
            "details": adapter.health_details(),
            "health": health_reports([channel])[channel.pk],
            "history": HealthCondition.objects.filter(channel=channel).select_related("channel")[
                :20
            ],
            "rhythm_days": settings.HEALTH_RHYTHM_DAYS,
        },
    )


def unsupported_events_by_channel() -> dict[int, tuple[int, str]]:
    """Per channel: how many deliveries were not for us (another account, an unknown type, a
    shape we cannot read), and the latest one's reason. Each was acknowledged and kept.

    Two statements whatever the number of channels: the counts with each channel's latest
    event, then those events' reasons."""
    events = InboundEvent.objects.filter(state=InboundEvent.State.UNSUPPORTED)
    counts = events.values("channel").annotate(n=Count("id"), latest=Max("id")).order_by()
    latest = {row["channel"]: (row["n"], row["latest"]) for row in counts}
    reasons = dict(
        InboundEvent.objects.filter(pk__in=[pk for _n, pk in latest.values()]).values_list(
            "pk", "last_error"
        )
    )
    return {channel_id: (n, reasons[pk]) for channel_id, (n, pk) in latest.items()}

"""The monitored stream: mentions on channels the company follows without an SLA.

Agents read it with filters and make a ticket of a mention that needs an answer; the
ticket's SLA clock starts then. Replies are not sent through feeds: the stream links to the
original post.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from channels.models import Channel
from channels.registry import kind_choices
from desk.access import staff_required, visible_queue_ids
from desk.redirects import safe_next
from desk.triage import labels
from desk.triage.services.monitored import (
    NotMonitored,
    StreamFilters,
    make_ticket,
    monitored_mentions,
    tickets_by_conversation,
)

PAGE_SIZE = 50
FILTER_PARAMS = ("q", "channel", "kind", "language", "state")


class StreamFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), max_length=200, required=False)
    channel = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Channel"), coerce=int, required=False
    )
    kind = forms.MultipleChoiceField(label=gettext_lazy("Kind"), required=False)
    language = forms.MultipleChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=list(labels.LANGUAGE_NAMES.items()),
    )
    state = forms.ChoiceField(
        label=gettext_lazy("Ticket"),
        required=False,
        choices=[
            ("", gettext_lazy("With or without")),
            ("open", gettext_lazy("Not yet a ticket")),
            ("ticketed", gettext_lazy("Made into a ticket")),
        ],
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        monitored = Channel.objects.filter(service_level=Channel.ServiceLevel.MONITORED)
        self.fields["channel"].choices = list(monitored.values_list("id", "name"))  # type: ignore[attr-defined]
        kinds = set(monitored.values_list("kind", flat=True))
        self.fields["kind"].choices = [(k, label) for k, label in kind_choices() if k in kinds]  # type: ignore[attr-defined]


@staff_required
@require_GET
def monitored_stream(request: HttpRequest) -> HttpResponse:
    form = StreamFilterForm(request.GET)
    rows: list = []
    older = None
    if form.is_valid():
        data = form.cleaned_data
        filters = StreamFilters(
            channel_ids=data["channel"],
            kinds=data["kind"],
            languages=data["language"],
            search=data["q"].strip(),
            state=data["state"],
            before_id=data["before"],
        )
        rows = list(monitored_mentions(filters)[: PAGE_SIZE + 1])
        if len(rows) > PAGE_SIZE:
            rows = rows[:PAGE_SIZE]
            older = rows[-1].pk
    status = 200 if form.is_valid() else 400
    query = urlencode(
        [(name, value) for name in FILTER_PARAMS for value in request.GET.getlist(name) if value]
    )
    tickets = tickets_by_conversation([m.conversation_id for m in rows])
    visible = set(visible_queue_ids(request.user))
    return render(
        request,
        "desk/monitored.html",
        {
            "form": form,
            "rows": [(m, tickets.get(m.conversation_id)) for m in rows],
            "visible_queues": visible,
            "filter_query": query,
            "older": older,
        },
        status=status,
    )


@staff_required
@require_POST
def monitored_make_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    back = safe_next(request, reverse("monitored-stream"))
    try:
        made = make_ticket(message_id=pk, actor=request.user)
    except NotMonitored:
        flash.error(request, _("That is not a mention on a monitored channel."))
        return redirect(back)
    ticket = made.ticket
    if made.created:
        flash.success(
            request,
            _("Ticket #%(id)s made in %(queue)s; its SLA clock starts now.")
            % {"id": ticket.pk, "queue": ticket.queue.name},
        )
    else:
        flash.info(request, _("This mention is already ticket #%(id)s.") % {"id": ticket.pk})
    if ticket.queue_id in visible_queue_ids(request.user):
        return redirect("ticket-detail", pk=ticket.pk)
    return redirect(back)

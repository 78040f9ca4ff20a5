"""Incidents: the grouped mentions with response times, the pinned statement, closing."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from desk.access import is_communications, manager_required, staff_required, visible_tickets
from desk.classification.crisis import StatementError, close_incident, pin_statement
from desk.classification.incidents import incident_mentions, median_response_minutes
from desk.classification.models import Incident


@staff_required
def incident_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "classification/incidents.html", {"incidents": Incident.objects.all()[:100]}
    )


@staff_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.select_related("closed_by"), pk=pk)
    groups = incident_mentions(incident)
    tickets = {row.ticket_id for group in groups for row in group.rows if row.ticket_id}
    return render(
        request,
        "classification/incident.html",
        {
            "incident": incident,
            "groups": groups,
            # A crisis concerns everyone, its tickets only their queues' staff: the others see
            # the number, not a link that would answer 404.
            "openable": set(
                visible_tickets(request.user).filter(pk__in=tickets).values_list("pk", flat=True)
            ),
            "mention_total": sum(len(g.rows) for g in groups),
            "median_minutes": median_response_minutes(groups),
            "can_pin": is_communications(request.user),
        },
    )


@staff_required
@require_POST
def incident_statement(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_communications(request.user):
        raise PermissionDenied(_("Only managers and the communications team approve statements."))
    incident = get_object_or_404(Incident, pk=pk)
    try:
        pin_statement(
            incident=incident, text=request.POST.get("statement", ""), approved_by=request.user
        )
    except StatementError as exc:
        return render(
            request,
            "classification/error.html",
            {"message": str(exc), "back": f"/desk/incidents/{pk}/"},
            status=400,
        )
    flash.success(request, _("Holding statement pinned."))
    return redirect("classification:incident", pk=pk)


@manager_required
@require_POST
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    close_incident(incident=get_object_or_404(Incident, pk=pk), actor=request.user)
    flash.success(request, _("Incident closed."))
    return redirect("classification:incident", pk=pk)

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from desk.access import manager_required
from desk.classification import ambassadors
from desk.classification.models import ContactBadge


@manager_required
def ambassador_list(request: HttpRequest) -> HttpResponse:
    confirmed = ContactBadge.objects.filter(
        kind=ContactBadge.Kind.AMBASSADOR, status=ContactBadge.Status.CONFIRMED
    ).select_related("contact")
    return render(
        request,
        "classification/ambassadors.html",
        {"suggestions": ambassadors.suggestions(), "confirmed": confirmed},
    )


@manager_required
@require_POST
def ambassador_decide(request: HttpRequest, pk: int) -> HttpResponse:
    badge = get_object_or_404(ContactBadge, pk=pk)
    confirm = request.POST.get("decision") == "confirm"
    ambassadors.decide(badge=badge, actor=request.user, confirm=confirm)
    flash.success(request, f"{badge.contact} {'confirmed' if confirm else 'dismissed'}.")
    return redirect("classification:ambassadors")

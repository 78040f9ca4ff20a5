"""Data subject requests in the desk: search a person, export their data, erase it."""

import json

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from desk.access import manager_required
from desk.privacy.models import DataSubjectRequest
from desk.privacy.services.subjects import (
    InvalidSubjectQuery,
    SubjectQuery,
    SubjectUnderLegalHold,
    access_request,
    erasure_request,
    search_subject,
)
from tickets.models import Contact, Identity


def _query(data: dict) -> SubjectQuery:
    return SubjectQuery.of(
        email=data.get("email", ""), handle=data.get("handle", ""), contact_id=data.get("contact")
    )


@manager_required
def subjects(request: HttpRequest) -> HttpResponse:
    context: dict = {"form": request.GET, "requests": DataSubjectRequest.objects.all()[:20]}
    if any(request.GET.get(name) for name in ("email", "handle", "contact")):
        try:
            query = _query(request.GET)
        except InvalidSubjectQuery as exc:
            context["error"] = str(exc)
            return render(request, "privacy/subjects.html", context, status=400)
        subject = search_subject(query=query, actor=request.user)
        context.update(
            subject=subject,
            # Requests fulfilled before for the person named the same way (the identifiers are
            # kept only as this digest).
            earlier=DataSubjectRequest.objects.filter(subject_digest=query.digest()),
            counts=subject.counts(),
            contacts=Contact.objects.filter(pk__in=subject.contact_ids),
            identities=Identity.objects.filter(pk__in=subject.identity_ids),
        )
    return render(request, "privacy/subjects.html", context)


@manager_required
@require_POST
def subject_export(request: HttpRequest) -> HttpResponse:
    try:
        query = _query(request.POST)
    except InvalidSubjectQuery as exc:
        return render(request, "privacy/subjects.html", {"error": str(exc)}, status=400)
    fulfilled, export = access_request(
        query=query,
        actor=request.user,
        via=DataSubjectRequest.Via.DESK,
        note=request.POST.get("note", ""),
    )
    if request.POST.get("format") == "json":
        response = HttpResponse(
            json.dumps(export, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="data-subject-access-{fulfilled.pk}.json"'
        )
        return response
    return render(
        request, "privacy/subject_export.html", {"export": export, "fulfilled": fulfilled}
    )


@manager_required
@require_POST
def subject_erase(request: HttpRequest) -> HttpResponse:
    try:
        query = _query(request.POST)
    except InvalidSubjectQuery as exc:
        return render(request, "privacy/subjects.html", {"error": str(exc)}, status=400)
    if request.POST.get("confirm") != "erase":
        flash.error(request, _("Tick the confirmation to erase: it cannot be undone."))
        return redirect("privacy-subjects")
    try:
        fulfilled = erasure_request(
            query=query,
            actor=request.user,
            via=DataSubjectRequest.Via.DESK,
            note=request.POST.get("note", ""),
        )
    except SubjectUnderLegalHold as exc:
        return render(request, "privacy/subjects.html", {"error": str(exc)}, status=409)
    flash.success(request, _("Erased: request #%(pk)s recorded.") % {"pk": fulfilled.pk})
    return redirect("privacy-subjects")

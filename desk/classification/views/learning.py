"""Staff corrections of a ticket, and the classifier's model versions (managers switch them)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from desk.access import (
    Capability,
    can,
    is_manager,
    manager_required,
    policy_editor_required,
    staff_required,
)
from desk.classification.corrections import CorrectionError, record_correction, review_correction
from desk.classification.forms import CorrectionForm
from desk.classification.labels import LABEL_NAMES
from desk.classification.learning.model import ModelError
from desk.classification.learning.versions import (
    GateRefused,
    VersionError,
    activate_version,
    deactivate_all,
    rollback,
)
from desk.classification.models import ClassifierVersion, TrainingExample
from desk.classification.tasks import retrain_classifier
from tickets.models import Ticket


@staff_required
@require_POST
def ticket_correct(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = get_object_or_404(Ticket.objects.select_related("queue"), pk=pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, pk, form.errors.as_text())
    data = form.cleaned_data
    netiquette = {"1": True, "0": False}.get(data["netiquette"])
    try:
        record_correction(
            ticket=ticket,
            actor=request.user,
            queue_slug=data["queue"].slug if data["queue"] else None,
            labels={label: label in data["labels"] for label in LABEL_NAMES}
            if data["relabel"]
            else None,
            sentiment=data["sentiment"] or None,
            netiquette=netiquette,
        )
    except CorrectionError as exc:
        return _bad_request(request, pk, str(exc))
    flash.success(
        request,
        _("Correction recorded; the classifier learns from it once a manager has accepted it."),
    )
    return redirect("ticket-detail", pk=pk)


def _bad_request(request: HttpRequest, pk: int, message: str) -> HttpResponse:
    return render(
        request,
        "classification/error.html",
        {"message": message, "back": f"/tickets/{pk}/"},
        status=400,
    )


@staff_required
def versions(request: HttpRequest) -> HttpResponse:
    examples = TrainingExample.objects.select_related("created_by", "reviewed_by")
    pending = TrainingExample.Review.PENDING
    return render(
        request,
        "classification/versions.html",
        {
            "versions": ClassifierVersion.objects.defer("artifact")[:50],
            "pending": examples.filter(review=pending).order_by("updated_at", "id")[:100],
            "pending_count": examples.filter(review=pending).count(),
            "corrections": examples.exclude(review=pending)[:50],
            "correction_count": examples.count(),
            "can_edit": is_manager(request.user),
            "can_review": can(request.user, Capability.EDIT_POLICIES),
        },
    )


@policy_editor_required
@require_POST
def correction_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept a staff correction as training data, or reject it."""
    example = get_object_or_404(TrainingExample, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        return render(
            request,
            "classification/error.html",
            {"message": gettext("Choose accept or reject."), "back": "/desk/classifier/"},
            status=400,
        )
    review_correction(example=example, reviewer=request.user, accept=decision == "accept")
    if decision == "accept":
        flash.success(request, _("Correction accepted: the next training uses it."))
    else:
        flash.success(request, _("Correction rejected: it will not be trained on."))
    return redirect("classification:versions")


@manager_required
@require_POST
def version_retrain(request: HttpRequest) -> HttpResponse:
    requested_by = request.user.get_username()
    transaction.on_commit(lambda: retrain_classifier.delay(requested_by=requested_by))
    flash.success(request, _("Retraining started; the new version becomes active when it is done."))
    return redirect("classification:versions")


@manager_required
@require_POST
def version_activate(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(ClassifierVersion, pk=pk)
    try:
        activate_version(version=version)
    except GateRefused:
        flash.error(
            request,
            gettext("v%(number)s cannot be activated: it is %(why)s")
            % {"number": version.number, "why": version.gate_report},
        )
    except ModelError as exc:
        flash.error(
            request,
            _("v%(number)s cannot be used: %(reason)s") % {"number": version.number, "reason": exc},
        )
    else:
        flash.success(request, _("v%(number)s is now active.") % {"number": version.number})
    return redirect("classification:versions")


@manager_required
@require_POST
def version_rollback(request: HttpRequest) -> HttpResponse:
    try:
        version = rollback()
    except (VersionError, ModelError) as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("Rolled back to v%(number)s.") % {"number": version.number})
    return redirect("classification:versions")


@manager_required
@require_POST
def version_lexicon_only(request: HttpRequest) -> HttpResponse:
    deactivate_all()
    flash.success(request, _("No model is active: the lexicons alone classify."))
    return redirect("classification:versions")

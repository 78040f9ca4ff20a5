"""The managers' SLA page: calendars (hours, holidays, closing days) and policies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from desk.access import policy_editor_required
from desk.sla.forms import (
    TARGET_FIELDS,
    CalendarDayForm,
    CalendarForm,
    PolicyForm,
    PriorityTargetsForm,
    share_policy_choices,
)
from desk.sla.models import Calendar, SlaPolicy
from desk.sla.services import calendar_changed, policy_changed, save_priority_targets


def _page(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    calendars = Calendar.objects.prefetch_related("days")
    policies = SlaPolicy.objects.select_related("calendar", "queue", "channel").prefetch_related(
        "targets"
    )
    rows = [
        {
            "calendar": calendar,
            "form": forms.get(f"calendar_{calendar.pk}") or CalendarForm(instance=calendar),
            "day_form": forms.get(f"day_{calendar.pk}")
            or CalendarDayForm(prefix=f"day{calendar.pk}"),
        }
        for calendar in calendars
    ]
    policy_forms = [
        (
            policy,
            forms.get(f"policy_{policy.pk}") or PolicyForm(instance=policy, prefix=f"p{policy.pk}"),
        )
        for policy in policies
    ]
    share_policy_choices([form for _policy, form in policy_forms])
    policy_rows = [
        {
            "policy": policy,
            "form": form,
            "targets": forms.get(f"targets_{policy.pk}") or _targets_form(policy),
        }
        for policy, form in policy_forms
    ]
    return render(
        request,
        "sla/settings.html",
        {"calendars": rows, "policies": policy_rows, "target_headings": TARGET_FIELDS.values()},
        status=status,
    )


def _targets_form(policy: SlaPolicy, data: Any = None) -> PriorityTargetsForm:
    return PriorityTargetsForm(data, policy=policy, prefix=f"p{policy.pk}-t")


@policy_editor_required
def sla_settings(request: HttpRequest) -> HttpResponse:
    return _page(request)


@policy_editor_required
@require_POST
def edit_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
    form = CalendarForm(request.POST, instance=calendar)
    if not form.is_valid():
        return _page(request, status=400, **{f"calendar_{pk}": form})
    with transaction.atomic():
        form.save()
        calendar_changed(calendar=calendar)
    flash.success(
        request,
        _("Saved %(calendar)s; open tickets are being recomputed.") % {"calendar": calendar},
    )
    return redirect("sla-settings")


@policy_editor_required
@require_POST
def add_calendar_day(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
    form = CalendarDayForm(request.POST, prefix=f"day{pk}", instance=None)
    form.instance.calendar = calendar
    if not form.is_valid():
        return _page(request, status=400, **{f"day_{pk}": form})
    with transaction.atomic():
        form.save()
        calendar_changed(calendar=calendar)
    flash.success(
        request,
        _("Added %(instance)s to %(calendar)s.")
        % {"instance": form.instance, "calendar": calendar},
    )
    return redirect("sla-settings")


@policy_editor_required
@require_POST
def remove_calendar_day(request: HttpRequest, pk: int, day_pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
    with transaction.atomic():
        deleted, _by_model = calendar.days.filter(pk=day_pk).delete()
        if deleted:
            calendar_changed(calendar=calendar)
    return redirect("sla-settings")


@policy_editor_required
@require_POST
def edit_policy(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy, pk=pk)
    form = PolicyForm(request.POST, instance=policy, prefix=f"p{pk}")
    targets = _targets_form(policy, request.POST)
    if not (form.is_valid() and targets.is_valid()):
        return _page(request, status=400, **{f"policy_{pk}": form, f"targets_{pk}": targets})
    with transaction.atomic():
        form.save()
        save_priority_targets(policy=policy, targets=targets.targets())
        policy_changed(policy=policy)
    flash.success(
        request, _("Saved %(policy)s; open tickets are being recomputed.") % {"policy": policy}
    )
    return redirect("sla-settings")

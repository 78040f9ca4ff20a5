"""Managers edit the ordered rule list and the holding-reply templates; anyone may dry-run."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from desk.access import is_manager, manager_required, staff_required
from desk.classification.forms import DryRunForm, ReplyTemplateForm, RoutingRuleForm
from desk.classification.models import ReplyTemplate, RoutingRule
from desk.classification.routing.dry_run import dry_run
from desk.classification.routing.services import move_rule, next_position


@staff_required
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = RoutingRule.objects.select_related("queue", "assignee").prefetch_related("channels")
    return render(
        request,
        "classification/rules.html",
        {"rules": rules, "can_edit": is_manager(request.user)},
    )


@manager_required
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rule = get_object_or_404(RoutingRule, pk=pk) if pk else None
    form = RoutingRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if rule is None:
            saved.position = next_position()
        saved.save()
        form.save_m2m()
        flash.success(request, f"Rule {saved.name!r} saved.")
        return redirect("classification:rules")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "classification/rule_form.html", {"form": form, "rule": rule}, status=status
    )


@manager_required
@require_POST
def rule_move(request: HttpRequest, pk: int) -> HttpResponse:
    move_rule(rule=get_object_or_404(RoutingRule, pk=pk), up=request.POST.get("direction") == "up")
    return redirect("classification:rules")


@manager_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(RoutingRule, pk=pk)
    rule.delete()
    flash.success(request, f"Rule {rule.name!r} deleted.")
    return redirect("classification:rules")


@staff_required
def rule_dry_run(request: HttpRequest) -> HttpResponse:
    form = DryRunForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = dry_run(
                text=form.cleaned_data["text"],
                message_id=form.cleaned_data["message"],
                channel=form.cleaned_data["channel"],
                language_hint=form.cleaned_data["language"],
            )
            if result.error:
                form.add_error(None, result.error)
                result, status = None, 400
        else:
            status = 400
    return render(
        request, "classification/dry_run.html", {"form": form, "result": result}, status=status
    )


@manager_required
def template_list(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    template = get_object_or_404(ReplyTemplate, pk=pk) if pk else None
    form = ReplyTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        form.save()
        flash.success(request, "Template saved.")
        return redirect("classification:templates")
    return render(
        request,
        "classification/templates.html",
        {"form": form, "templates": ReplyTemplate.objects.all(), "editing": template},
        status=400 if request.method == "POST" else 200,
    )

"""The approval queue: public replies drafted by agents, posted by a spokesperson."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from desk.access import Capability, capability_required, visible_queue_ids
from desk.outbound.models import ReplyApproval
from desk.outbound.services import ApprovalClosed, ReplyRefused, approve, reject


def _pending(request: HttpRequest):
    return ReplyApproval.objects.filter(
        state=ReplyApproval.State.PENDING, ticket__queue__in=visible_queue_ids(request.user)
    ).select_related("ticket", "ticket__contact", "ticket__channel", "drafted_by")


@capability_required(Capability.APPROVE_REPLIES)
@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/approvals.html", {"approvals": _pending(request)})


@capability_required(Capability.APPROVE_REPLIES)
@require_POST
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    approval = _pending(request).filter(pk=pk).first()
    if approval is None:
        flash.error(request, _("This draft is not waiting for approval in your queues."))
        return redirect("approval-queue")
    try:
        if request.POST.get("decision") == "approve":
            approve(approval=approval, user=request.user, text=request.POST.get("text", ""))
            flash.success(request, _("Approved and queued for delivery."))
        elif request.POST.get("decision") == "reject":
            reject(approval=approval, user=request.user, note=request.POST.get("note", ""))
            flash.success(request, _("Draft rejected."))
        else:
            flash.error(request, _("Approve or reject."))
    except (ReplyRefused, ApprovalClosed) as exc:
        flash.error(request, str(exc))
    return redirect("approval-queue")

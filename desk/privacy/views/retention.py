from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from desk.access import manager_required
from desk.privacy.services import audit
from desk.privacy.services.retention import preview


@manager_required
def retention_preview(request: HttpRequest) -> HttpResponse:
    """The dry run: what the next nightly run would anonymize or delete, and what is held."""
    plan = preview()
    audit.record(
        actor=request.user,
        action=audit.Action.RETENTION_PREVIEWED,
        counts={"conversations": plan.conversations, "held": plan.held},
    )
    return render(request, "privacy/retention.html", {"plan": plan})

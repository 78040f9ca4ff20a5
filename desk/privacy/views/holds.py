from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from desk.access import manager_required
from desk.privacy.models import LegalHold
from desk.privacy.services.holds import InvalidHold, place_hold, release_hold
from desk.redirects import safe_next
from tickets.models import Contact, Conversation, latest_ticket_id


@manager_required
def holds(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _holds_page(request)
    target = request.POST.get("target", "")
    kind, _sep, pk = target.partition(":")
    number = int(pk) if pk.isdigit() else 0
    contact = Contact.objects.filter(pk=number).first() if kind == "contact" else None
    conversation = (
        Conversation.objects.filter(pk=number).first() if kind == "conversation" else None
    )
    if contact is None and conversation is None:
        return _holds_page(request, _("Name an existing contact:<id> or conversation:<id>."))
    try:
        place_hold(
            contact=contact,
            conversation=conversation,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except InvalidHold as exc:
        return _holds_page(request, str(exc))
    flash.success(request, _("Legal hold placed."))
    return _back(request)


def _holds_page(request: HttpRequest, error: str = "") -> HttpResponse:
    """The list of holds; after a refused one (400), with why and what was typed, so that
    nothing has to be typed again, and a way back to the page the form was on."""
    # A conversation is opened through its (latest) ticket.
    listed = LegalHold.objects.select_related(
        "contact", "conversation", "created_by", "released_by"
    ).annotate(ticket_id=latest_ticket_id())[:200]
    context = {"holds": listed, "error": error, "typed": request.POST if error else {}}
    if error:
        back = safe_next(request, "")
        context["back"] = back if back != reverse("privacy-holds") else ""
    return render(request, "privacy/holds.html", context, status=400 if error else 200)


@manager_required
@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    release_hold(hold=get_object_or_404(LegalHold, pk=pk), actor=request.user)
    flash.success(request, _("Legal hold released."))
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    """To the page the form was on (a contact's), else the list of holds."""
    return redirect(safe_next(request, reverse("privacy-holds")))

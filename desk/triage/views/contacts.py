"""One profile per person: the contact list, a contact's page, merging and splitting back."""

from __future__ import annotations

from django.contrib import messages as flash
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from desk.access import staff_required, visible_queue_ids
from desk.privacy.services import audit
from desk.triage.models import ContactMerge
from desk.triage.selectors.contacts import (
    profile,
    search_contacts,
    suggested_duplicates,
    visible_contacts,
)
from desk.triage.services.contacts import (
    MergeRefused,
    merge_contacts,
    merge_preview,
    split_contacts,
)
from tickets.models import Contact

LIST_SIZE = 50


def _visible_contact(request: HttpRequest, pk: int | str) -> Contact:
    """The contact, if one of its tickets is in the user's queues, or it was merged into such
    a contact (it has no tickets of its own then); otherwise 404."""
    visible = visible_contacts(visible_queue_ids(request.user))
    merged = ContactMerge.objects.filter(
        absorbed_id=int(pk), split_at__isnull=True, survivor__in=visible
    )
    return get_object_or_404(
        Contact.objects.filter(Q(pk__in=visible) | Q(pk__in=merged.values("absorbed_id"))), pk=pk
    )


@staff_required
@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    queue_ids = visible_queue_ids(request.user)
    query = request.GET.get("q", "").strip()[:200]
    return render(
        request,
        "desk/contacts.html",
        {
            "query": query,
            "contacts": list(search_contacts(queue_ids, query)[:LIST_SIZE]) if query else [],
            "suggestions": suggested_duplicates(queue_ids),
        },
    )


@staff_required
@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _visible_contact(request, pk)
    absorbed = ContactMerge.objects.filter(absorbed=contact, split_at__isnull=True).first()
    if absorbed is not None:
        return redirect("contact-detail", pk=absorbed.survivor_id)
    audit.record_view(actor=request.user, target=contact)
    return render(
        request,
        "desk/contact.html",
        {"profile": profile(contact, queue_ids=visible_queue_ids(request.user))},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def contact_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what would move from the other record into this one. POST: move it."""
    survivor = _visible_contact(request, pk)
    other = request.POST.get("other") or request.GET.get("other", "")
    if not other.isdigit():
        flash.error(request, _("Name the contact to merge into this one."))
        return redirect("contact-detail", pk=survivor.pk)
    absorbed = _visible_contact(request, other)
    try:
        if request.method == "POST":
            merge_contacts(survivor=survivor, absorbed=absorbed, actor=request.user)
            flash.success(
                request,
                _("Merged. The moved records can be split back from this page."),
            )
            return redirect("contact-detail", pk=survivor.pk)
        preview = merge_preview(survivor=survivor, absorbed=absorbed)
    except MergeRefused as exc:
        flash.error(request, str(exc))
        return redirect("contact-detail", pk=survivor.pk)
    return render(request, "desk/contact_merge.html", {"preview": preview})


@staff_required
@require_POST
def contact_split(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_object_or_404(ContactMerge, pk=pk)
    _visible_contact(request, merge.survivor_id)
    try:
        split_contacts(merge=merge, actor=request.user)
    except MergeRefused as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("Split back into two contacts."))
    return redirect("contact-detail", pk=merge.survivor_id)

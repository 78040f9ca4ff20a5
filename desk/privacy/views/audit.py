from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from desk.access import manager_required
from desk.privacy.models import AuditEntry
from desk.privacy.selectors import moment_in_desk_time, search_audit
from desk.privacy.services.audit import ACTION_LABELS
from tickets.models import Ticket

PAGE_SIZE = 100


@manager_required
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = search_audit(request.GET)
    # Keyset pagination: "older than this entry", so deep pages cost what the first does.
    at, _, pk = request.GET.get("before", "").partition("_")
    moment = moment_in_desk_time(at)
    if moment is not None and pk.isdigit():
        entries = entries.filter(Q(at__lt=moment) | Q(at=moment, id__lt=int(pk)))
    page = list(entries[: PAGE_SIZE + 1])
    next_cursor = ""
    if len(page) > PAGE_SIZE:
        page = page[:PAGE_SIZE]
        next_cursor = f"{page[-1].at.isoformat()}_{page[-1].pk}"
    _label_and_link(page)
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "privacy/audit.html",
        {"entries": page, "next_cursor": next_cursor, "form": request.GET, "query": query},
    )


def _label_and_link(entries: list[AuditEntry]) -> None:
    """Each entry's action in the reader's language, and a link to its object where it has a
    page: a conversation opens through its latest ticket (one query for the whole page)."""
    conversations = {
        int(entry.target_id)
        for entry in entries
        if entry.target_type == "tickets.conversation" and entry.target_id.isdigit()
    }
    latest_ticket = Ticket.objects.latest_ids_by_conversation(conversations)
    for entry in entries:
        entry.label = ACTION_LABELS.get(entry.action, "")  # type: ignore[attr-defined]
        entry.link = _link(entry, latest_ticket)  # type: ignore[attr-defined]


def _link(entry: AuditEntry, latest_ticket: dict[int, int]) -> str:
    if not entry.target_id.isdigit():
        return ""
    pk = int(entry.target_id)
    if entry.target_type == "tickets.conversation" and pk in latest_ticket:
        return reverse("ticket-detail", args=[latest_ticket[pk]])
    if entry.target_type == "tickets.contact":
        return reverse("contact-detail", args=[pk])
    if entry.target_type == "privacy.legalhold":
        return reverse("privacy-holds") + f"#hold-{pk}"
    return ""

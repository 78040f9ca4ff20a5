from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from desk.access import manager_required
from desk.privacy.selectors import moment_in_desk_time, search_audit

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
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "privacy/audit.html",
        {"entries": page, "next_cursor": next_cursor, "form": request.GET, "query": query},
    )

from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from desk.access import manager_required
from desk.privacy.models import AuditEntry

PAGE_SIZE = 100


def search_audit(params: dict) -> QuerySet[AuditEntry]:  # type: ignore[type-arg]
    """Filter by who (actor name), what (action prefix), which object, and a time range."""
    entries = AuditEntry.objects.all()
    if params.get("actor"):
        entries = entries.filter(actor_name__iexact=params["actor"].strip())
    if params.get("action"):
        entries = entries.filter(action__startswith=params["action"].strip())
    if params.get("target_type"):
        entries = entries.filter(target_type=params["target_type"].strip())
    if params.get("target_id"):
        entries = entries.filter(target_id=params["target_id"].strip())
    for name, lookup in (("since", "at__gte"), ("until", "at__lt")):
        moment = _moment(params.get(name, ""))
        if moment is not None:
            entries = entries.filter(**{lookup: moment})
    return entries.order_by("-at", "-id")


def _moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    # A date typed into the form means that moment in the desk's time zone.
    return moment if moment.tzinfo else timezone.make_aware(moment)


@manager_required
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = search_audit(request.GET)
    # Keyset pagination: "older than this entry", so deep pages cost what the first does.
    at, _, pk = request.GET.get("before", "").partition("_")
    moment = _moment(at)
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

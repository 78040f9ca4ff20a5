"""Reads of the privacy records shared by the pages and the REST API."""

from collections.abc import Mapping
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from desk.privacy.models import AuditEntry


def search_audit(params: Mapping[str, str]) -> QuerySet[AuditEntry]:
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
        moment = moment_in_desk_time(params.get(name, ""))
        if moment is not None:
            entries = entries.filter(**{lookup: moment})
    return entries.order_by("-at", "-id")


def moment_in_desk_time(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    # A date typed into the form means that moment in the desk's time zone.
    return moment if moment.tzinfo else timezone.make_aware(moment)
